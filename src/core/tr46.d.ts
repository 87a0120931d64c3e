// Types for tr46@6 (UTS #46), which ships none; only what dmapid uses.
declare module 'tr46' {
  export interface Tr46Options {
    checkBidi?: boolean;
    checkHyphens?: boolean;
    checkJoiners?: boolean;
    ignoreInvalidPunycode?: boolean;
    transitionalProcessing?: boolean;
    useSTD3ASCIIRules?: boolean;
  }
  /** The case-folded A-label form, or null when the name breaks a rule the options enable. */
  export function toASCII(domainName: string, options?: Tr46Options & { verifyDNSLength?: boolean }): string | null;
  export function toUnicode(domainName: string, options?: Tr46Options): { domain: string; error: boolean };
}
