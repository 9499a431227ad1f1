// Types of scripts/size.mjs, for test/server/budget.test.ts.
export interface CdnManifest {
  sdk: string;
  chunks: Record<
    string,
    { entry?: true; language?: string; imports: string[]; dynamicImports: string[]; modules: string[] }
  >;
  phoneMetadata: Record<string, string>;
}
export interface Total {
  files: string[];
  gzip: number;
}
export interface Sizes {
  files: { file: string; gzip: number }[];
  firstPaint: Total;
  mobileFlow: Total;
}
export interface Budgets {
  firstPaint: number;
  mobileFlow: number;
}
export const CDN_DIR: string;
export const CDN_MANIFEST: string;
export const BUDGETS: Budgets;
export const FLOW_COUNTRY: string;
export function gzipSize(bytes: Uint8Array | string): number;
export function readManifest(file?: string): CdnManifest;
export function mobileFlowFiles(manifest: CdnManifest, country?: string): string[];
export function measure(dir?: string, manifest?: CdnManifest): Sizes;
export function overBudget(sizes: Sizes, budgets?: Budgets): string[];
export function report(sizes: Sizes, budgets?: Budgets): string[];
