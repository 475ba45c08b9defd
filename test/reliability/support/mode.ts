// The suite runs in two forms: quick (part of `npm test`, a few minutes in all) and long (every
// cycle the scenarios call for), chosen with THAW_RELIABILITY=long.

const given = process.env['THAW_RELIABILITY'];
if (given !== undefined && given !== '' && given !== 'quick' && given !== 'long') {
  throw new Error(
    `Invalid THAW_RELIABILITY environment variable: received "${given}"; expected "quick", "long" or unset (quick).`,
  );
}

/** Whether this run is the long form. */
export const longForm = given === 'long';

/** The quick or the long figure, by form: cycle counts, case counts, outage lengths. */
export function byForm(quick: number, long: number): number {
  return longForm ? long : quick;
}
