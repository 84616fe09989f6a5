import { InvalidArgumentError } from 'commander';

/**
 * Value parsers for commander options (`.argParser`): commander reports their InvalidArgumentError as
 * "option '--x <n>' argument 'y' is invalid. <why>", a usage error.
 */
export function positiveInteger(name: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(`${name} takes a whole number ≥ 1.`);
    return Number(value);
  };
}

export function nonNegativeInteger(name: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} takes a whole number ≥ 0.`);
    return Number(value);
  };
}

export function positiveNumber(name: string): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`${name} takes a number > 0.`);
    return number;
  };
}
