import { boxTool, rotatedBoxTool } from './box-tool';
import { brushTool, eraserTool } from './brush-tool';
import { clickSegmentTool } from './click-segment-tool';
import { pointTool } from './point-tool';
import { polygonTool, polylineTool } from './polygon-tool';
import { selectTool } from './select-tool';
import { type Tool, type ToolName } from './tool-types';

/** Every tool by name. States are opaque to the controller, hence Tool<never>-compatible storage. */
export const TOOLS: Readonly<Record<ToolName, Tool<never>>> = {
  select: selectTool as Tool<never>,
  box: boxTool as Tool<never>,
  'rotated-box': rotatedBoxTool as Tool<never>,
  polygon: polygonTool as Tool<never>,
  polyline: polylineTool as Tool<never>,
  point: pointTool as Tool<never>,
  brush: brushTool as Tool<never>,
  eraser: eraserTool as Tool<never>,
  'click-segment': clickSegmentTool as Tool<never>,
};
