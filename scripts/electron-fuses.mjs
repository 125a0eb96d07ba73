// Electron fuses, flipped in the packaged binary at package time (they are bits in the executable, not
// runtime options): `node scripts/electron-fuses.mjs <path to the packaged Electron executable>`, or as a
// packager's afterPack hook (`afterPack` below, electron-builder's signature). Why each:
// - RunAsNode off: ELECTRON_RUN_AS_NODE=1 would turn the signed app into a plain Node interpreter;
// - NODE_OPTIONS and --inspect off: no code injection or debugger attach through the environment/CLI;
// - embedded asar integrity on + app only from the asar: a modified or side-loaded app folder is refused;
// - cookie encryption on: the session's cookies are encrypted at rest with the OS keychain;
// - file:// gets no extra privileges: the renderer is served from app://, never file://.
import path from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/** The fuse wire RadioLabel ships with; every fuse is set explicitly (strict: a new fuse fails the build). */
export const RADIOLABEL_FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  [FuseV1Options.WasmTrapHandlers]: true,
};

/** Flips the fuses in one packaged Electron executable (macOS: the .app bundle path also works). */
export async function flipRadioLabelFuses(electronExecutable) {
  await flipFuses(electronExecutable, {
    ...RADIOLABEL_FUSES,
    // macOS ad-hoc signatures break when the binary changes; re-sign ad hoc (a real signature comes after).
    resetAdHocDarwinSignature: process.platform === 'darwin',
  });
}

/** electron-builder afterPack hook: the executable inside the freshly packed app folder. */
export async function afterPack(context) {
  const { appOutDir, packager, electronPlatformName } = context;
  const name = packager.appInfo.productFilename;
  const executable =
    electronPlatformName === 'darwin'
      ? path.join(appOutDir, `${name}.app`)
      : path.join(appOutDir, electronPlatformName === 'win32' ? `${name}.exe` : name);
  await flipRadioLabelFuses(executable);
}

if (import.meta.filename === process.argv[1]) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node scripts/electron-fuses.mjs <packaged Electron executable>');
    process.exit(2);
  }
  await flipRadioLabelFuses(path.resolve(target));
  console.log(`fuses set in ${target}`);
}
