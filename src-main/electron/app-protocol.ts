import { protocol } from 'electron';
import { type RadioLabelService } from '../core/api';
import { answerAppRequest } from './app-requests';
import { APP_SCHEME } from './window-options';

/** Must run before app 'ready': app:// behaves like a secure, standard origin (fetch, ESM, CSP). */
export function registerAppSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/** app://bundle/<file> serves the built renderer; app://media/<address> image bytes (see app-requests). */
export function handleAppProtocol(rendererDir: string, service: RadioLabelService): void {
  protocol.handle(APP_SCHEME, (request) => answerAppRequest(request, rendererDir, service));
}
