// The shape of the `knative` option as slim() and config files check it when they are given:
// known keys at each level and objects where objects belong. The values' own rules (scales,
// names, limits) are checked when the manifests are made (resolve.ts).
import { SlimConfigError } from '../errors.ts';
import { checkKnownKeys, isRecord, type Validator } from '../validators.ts';
import { defaultKnativeOptions, type KnativeOptions } from './options.ts';

const knativeKeys = ['name', 'image', ...Object.keys(defaultKnativeOptions)].sort();
const triggerKeys = ['name', 'broker', 'filter', 'delivery'];
const sinkBindingKeys = ['name', 'sinkUri', 'sinkRef'];

/** Checks the `knative` option's shape. */
export const knativeShape: Validator<KnativeOptions> = (option, value) => {
  if (!isRecord(value)) throw new SlimConfigError(option, value, 'an object of Knative settings');
  checkKnownKeys(value, knativeKeys, option);
  const { trigger, sinkBinding, env } = value;
  if (trigger !== undefined && trigger !== null) {
    if (!isRecord(trigger)) throw new SlimConfigError(`${option}.trigger`, trigger, 'an object or null');
    checkKnownKeys(trigger, triggerKeys, `${option}.trigger`);
    if (trigger['filter'] !== undefined && !isRecord(trigger['filter'])) {
      throw new SlimConfigError(
        `${option}.trigger.filter`,
        trigger['filter'],
        'an object of attribute → value',
      );
    }
  }
  if (sinkBinding !== undefined && sinkBinding !== null) {
    if (!isRecord(sinkBinding)) {
      throw new SlimConfigError(`${option}.sinkBinding`, sinkBinding, 'an object or null');
    }
    checkKnownKeys(sinkBinding, sinkBindingKeys, `${option}.sinkBinding`);
  }
  if (env !== undefined && !isRecord(env)) {
    throw new SlimConfigError(`${option}.env`, env, 'an object of name → value');
  }
  return value;
};
