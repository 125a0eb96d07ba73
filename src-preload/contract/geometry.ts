import { z } from 'zod';

/**
 * Annotation geometry, in image pixel coordinates (origin top-left, x right, y down), shared by the DB,
 * the formats, the segmentation engine and the editor.
 */

/** Coordinates must be finite and within sane bounds (images are never larger than this). */
export const MAX_COORD_PX = 1_000_000;
const coord = z.number().finite().min(-MAX_COORD_PX).max(MAX_COORD_PX);

/** A ring as a flat list [x1, y1, x2, y2, …], at least 3 points, implicitly closed. */
export const RingSchema = z
  .array(coord)
  .min(6, 'a ring needs at least 3 points')
  .refine((r) => r.length % 2 === 0, 'a ring needs an even number of coordinates');
export type Ring = z.infer<typeof RingSchema>;

/** COCO RLE with compressed counts (pycocotools string encoding). size is [height, width]. */
export const CocoRleSchema = z.object({
  size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  counts: z.string(),
});
export type CocoRle = z.infer<typeof CocoRleSchema>;

export const BoxGeometrySchema = z.object({
  kind: z.literal('box'),
  x: coord,
  y: coord,
  widthPx: z.number().finite().nonnegative().max(MAX_COORD_PX),
  heightPx: z.number().finite().nonnegative().max(MAX_COORD_PX),
});
/**
 * Rings are filled with the even-odd rule: several disjoint outer rings make a multi-part shape, and a
 * ring inside another is a hole (the order of rings does not matter).
 */
export const PolygonGeometrySchema = z.object({
  kind: z.literal('polygon'),
  rings: z.array(RingSchema).min(1),
});
export const MaskGeometrySchema = z.object({
  kind: z.literal('mask'),
  rle: CocoRleSchema,
});
export const PointGeometrySchema = z.object({
  kind: z.literal('point'),
  x: coord,
  y: coord,
});

/** An open line through at least 2 points, flat [x1, y1, x2, y2, …] (CVAT polyline, labelme linestrip). */
export const PolylineGeometrySchema = z.object({
  kind: z.literal('polyline'),
  points: z
    .array(coord)
    .min(4, 'a polyline needs at least 2 points')
    .refine((r) => r.length % 2 === 0, 'a polyline needs an even number of coordinates'),
});
/**
 * A box turned by `rotationDeg` about its centre, clockwise on screen (image y points down): CVAT's
 * convention. Width and height are the sides before rotation; the angle is kept in [0, 360).
 */
export const RotatedBoxGeometrySchema = z.object({
  kind: z.literal('rotated_box'),
  cx: coord,
  cy: coord,
  widthPx: z.number().finite().nonnegative().max(MAX_COORD_PX),
  heightPx: z.number().finite().nonnegative().max(MAX_COORD_PX),
  rotationDeg: z.number().finite().min(0).lt(360),
});
/** A label of the whole image (classification, CVAT tag, labelme flag): no coordinates. */
export const TagGeometrySchema = z.object({ kind: z.literal('tag') });

export const GeometrySchema = z.discriminatedUnion('kind', [
  BoxGeometrySchema,
  PolygonGeometrySchema,
  MaskGeometrySchema,
  PointGeometrySchema,
  PolylineGeometrySchema,
  RotatedBoxGeometrySchema,
  TagGeometrySchema,
]);
export type Geometry = z.infer<typeof GeometrySchema>;
export type BoxGeometry = z.infer<typeof BoxGeometrySchema>;
export type PolygonGeometry = z.infer<typeof PolygonGeometrySchema>;
export type MaskGeometry = z.infer<typeof MaskGeometrySchema>;
export type PointGeometry = z.infer<typeof PointGeometrySchema>;
export type PolylineGeometry = z.infer<typeof PolylineGeometrySchema>;
export type RotatedBoxGeometry = z.infer<typeof RotatedBoxGeometrySchema>;
export type TagGeometry = z.infer<typeof TagGeometrySchema>;
export type GeometryKind = Geometry['kind'];
/** Kinds that cover an area of the image (they rasterise to a mask). */
export type RegionGeometry = Extract<Geometry, { kind: 'box' | 'polygon' | 'mask' | 'rotated_box' }>;
export const REGION_KINDS: ReadonlySet<GeometryKind> = new Set(['box', 'polygon', 'mask', 'rotated_box']);
export const isRegion = (g: Geometry): g is RegionGeometry => REGION_KINDS.has(g.kind);

export const AnnotationSourceSchema = z.enum(['manual', 'click', 'text', 'propagated', 'imported']);
export type AnnotationSource = z.infer<typeof AnnotationSourceSchema>;

export const ImageStatusSchema = z.enum(['new', 'in_progress', 'done', 'review']);
export type ImageStatus = z.infer<typeof ImageStatusSchema>;
