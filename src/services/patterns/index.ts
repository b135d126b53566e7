export * from './detect.ts';
export * from './performance.ts';
export * from './words.ts';
export * from './thresholds.ts';
