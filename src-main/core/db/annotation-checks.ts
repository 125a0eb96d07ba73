import {
  attributeValueProblem,
  attributesProblem,
  cleanAttributes,
  geometryProblem,
  type Attributes,
  type AttributeSpec,
  type Geometry,
} from '@contract';
import { validateRle } from '../segment/rle';
import { InvalidInputError } from './errors';

/** The checks every annotation written to the store passes, naming the field that fails. */

/** Schema check (finite coordinates within sane bounds), then mask-specific: RLE covers exactly the image. */
export function checkGeometry(
  geometry: unknown,
  image: { width: number; height: number },
  field: string,
): Geometry {
  // Plain checks, not a schema object per annotation: an import writes millions of them.
  const problem = geometryProblem(geometry);
  if (problem !== null) {
    throw new InvalidInputError(problem.path === '' ? field : `${field}.${problem.path}`, problem.message);
  }
  const g = geometry as Geometry;
  if (g.kind === 'mask') {
    const [h, w] = g.rle.size;
    if (h !== image.height || w !== image.width) {
      throw new InvalidInputError(
        `${field}.rle.size`,
        `mask is ${w}×${h} (size [${h}, ${w}]) but the image is ${image.width}×${image.height}`,
      );
    }
    const problem = validateRle(g.rle);
    if (problem !== null) throw new InvalidInputError(`${field}.rle.counts`, problem);
  }
  return g;
}

/**
 * Attribute values: structurally valid, and of the declared type for attributes the label declares
 * (values of undeclared attributes are kept as they are, so nothing imported is lost).
 */
export function checkAttributes(
  attributes: unknown,
  specs: readonly AttributeSpec[],
  field: string,
): Attributes {
  const problem = attributesProblem(attributes);
  if (problem !== null) {
    throw new InvalidInputError(problem.path === '' ? field : `${field}.${problem.path}`, problem.message);
  }
  const values = cleanAttributes(attributes as Attributes);
  for (const spec of specs) {
    const value = values[spec.name];
    if (value === undefined) continue;
    const problem = attributeValueProblem(spec, value);
    if (problem !== null) throw new InvalidInputError(`${field}.${spec.name}`, problem);
  }
  return values;
}

export function checkGroup(groupId: number | null, field: string): void {
  if (groupId === null) return;
  if (!Number.isInteger(groupId) || groupId <= 0 || groupId > 2 ** 31 - 1) {
    throw new InvalidInputError(field, `a group id is null or a positive integer, got ${groupId}`);
  }
}

export function checkScore(score: number | null, field: string): void {
  if (score === null) return;
  if (!Number.isFinite(score) || score < 0 || score > 1) {
    throw new InvalidInputError(field, `a score is null or a number in [0, 1], got ${score}`);
  }
}
