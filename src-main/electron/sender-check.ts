import { RENDERER_ORIGIN } from './window-options';

/** The part of Electron's WebFrameMain that the check needs (kept structural so that it is unit-testable). */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/** Only our own top-level frame, loaded from the app:// bundle, may call the API. */
export function senderAllowed(event: { readonly senderFrame: SenderFrameLike | null }): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent) return false;
  return frame.url.startsWith(`${RENDERER_ORIGIN}/`);
}
