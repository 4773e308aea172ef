/** The types of mutant-log.reporter.mjs, for the tests that load it. */
export declare const mutantLogFile: string;
export declare function inScopeOf(patterns: readonly string[]): (file: string) => boolean;
export declare const strykerPlugins: readonly unknown[];
