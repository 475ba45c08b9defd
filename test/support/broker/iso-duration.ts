// ISO 8601 durations as Knative's delivery spec writes them (`PT0.5S`, `PT2M`, `P1DT12H`): the
// broker reads `backoffDelay` and `timeout` with them. Years and months have no fixed length and
// are refused, as Knative's own parser leaves them out of a duration.

const pattern =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an ISO 8601 duration; throws naming the value when it is not one. */
export function isoDurationMs(value: string): number {
  const match = pattern.exec(value);
  if (match === null || value === 'P' || value.endsWith('T')) {
    throw new Error(
      `"${value}" is not an ISO 8601 duration of weeks, days, hours, minutes and seconds (such as PT0.5S).`,
    );
  }
  const part = (index: number): number => Number(match[index] ?? 0);
  const totalSeconds = part(1) * 604_800 + part(2) * 86_400 + part(3) * 3_600 + part(4) * 60 + part(5);
  return Math.round(totalSeconds * 1_000);
}
