import { KEYWORDS } from '../language/ast';
import { constructorByName } from '../ops/constructors';
import { opByName } from '../ops/registry';

/**
 * An ONNX name as a `.nn` identifier: every character that is not a letter,
 * digit or `_` becomes `_`, and a name starting with a digit gets a leading
 * `_` (`0.weight` → `_0_weight`, `fc.bias` → `fc_bias`, `/conv1/Conv_output_0`
 * → `_conv1_Conv_output_0`). The empty name is `_`.
 */
export function identifierOf(name: string): string {
  const replaced = name.replace(/[^\p{L}\p{Nd}_]/gu, '_');
  if (replaced === '') return '_';
  return /^\p{Nd}/u.test(replaced) ? `_${replaced}` : replaced;
}

/** Hands out identifiers for ONNX names: the rule above, then `_` appended to a keyword or op name, and `_2`, `_3`, … to a repeat. */
export class IdentifierTable {
  private readonly byName = new Map<string, string>();
  private readonly taken = new Set<string>();

  get(name: string): string {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    let base = identifierOf(name);
    if (KEYWORDS.includes(base) || opByName(base) || constructorByName(base)) base = `${base}_`;
    let id = base;
    for (let k = 2; this.taken.has(id); k++) id = `${base}_${k}`;
    this.taken.add(id);
    this.byName.set(name, id);
    return id;
  }
}
