import {
  MAX_ATTRIBUTE_NAME_CHARS,
  attributesProblem,
  coerceAttributeValue,
  inferAttributeSpec,
  type Attributes,
  type AttributeSpec,
  type AttributeValue,
  type LabelId,
} from '@contract';
import type { ErrorList } from './import-types';
import type { ImportSink, LabelDecl } from './source';

/** CVAT writes `occluded` on every shape; false is its default and says nothing. */
const DEFAULT_FALSE = new Set(['occluded']);

interface KnownLabel {
  readonly id: LabelId;
  specs: readonly AttributeSpec[];
}

/**
 * The labels an import uses, by name: declared from the file's categories (kept even when no
 * annotation uses them) or created on first use; and the typing of attribute values against each
 * label's attributes (a value of an attribute the label lacks declares it, typed by the value).
 */
export class ImportLabels {
  private readonly byName = new Map<string, KnownLabel>();

  constructor(
    private readonly sink: ImportSink,
    private readonly errors: ErrorList,
  ) {}

  async declare(decls: readonly LabelDecl[], where: string): Promise<void> {
    for (const decl of decls) {
      try {
        const d = await this.sink.declareLabel(decl);
        if (d.warning !== undefined)
          this.errors.add(`${where}: label ${JSON.stringify(decl.name)}: ${d.warning}`);
        this.byName.set(decl.name, { id: d.id, specs: d.attributes });
      } catch (e) {
        this.errors.add(
          `${where}: label ${JSON.stringify(decl.name)}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
  }

  async resolve(name: string): Promise<KnownLabel> {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const d = await this.sink.declareLabel({ name });
    const label = { id: d.id, specs: d.attributes };
    this.byName.set(name, label);
    return label;
  }

  /**
   * Typed attribute values of one annotation. A value that does not fit its attribute is reported
   * (naming the annotation and the attribute) and left out; the annotation itself is kept.
   */
  async values(
    label: KnownLabel,
    raw: Readonly<Record<string, unknown>> | undefined,
    where: string,
  ): Promise<Attributes> {
    const out: Record<string, AttributeValue> = {};
    if (raw === undefined) return out;
    const missing: AttributeSpec[] = [];
    for (const [key, value] of Object.entries(raw)) {
      // Plain checks here (the contract's rules, see attributesProblem): this runs once per annotation.
      const name = key.trim();
      if (name === '' || name.length > MAX_ATTRIBUTE_NAME_CHARS) {
        this.errors.add(
          `${where}: attributes: ${JSON.stringify(name)} is not a usable attribute name; left out`,
        );
        continue;
      }
      const spec = label.specs.find((s) => s.name === name) ?? missing.find((s) => s.name === name);
      if (spec === undefined) {
        if (attributesProblem({ [name]: value }) !== null) {
          this.errors.add(
            `${where}: attributes.${name}: ${JSON.stringify(value)} is not text, a number or true/false; left out`,
          );
          continue;
        }
        const plain = value as AttributeValue;
        if (plain === false && DEFAULT_FALSE.has(name)) continue;
        missing.push(inferAttributeSpec(name, plain));
        out[name] = plain;
        continue;
      }
      const typed = coerceAttributeValue(spec, value);
      if ('problem' in typed) {
        this.errors.add(`${where}: attributes.${name}: ${typed.problem}; left out`);
        continue;
      }
      out[name] = typed.value;
    }
    if (missing.length > 0) label.specs = await this.sink.declareAttributes(label.id, missing);
    return out;
  }
}
