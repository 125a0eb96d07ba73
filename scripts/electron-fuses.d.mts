import { type FuseV1Config } from '@electron/fuses';

export declare const RADIOLABEL_FUSES: FuseV1Config & { strictlyRequireAllFuses: true };
export declare function flipRadioLabelFuses(electronExecutable: string): Promise<void>;
export declare function afterPack(context: {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string } };
}): Promise<void>;
