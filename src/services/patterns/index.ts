export * from './detect.ts';
export * from './performance.ts';
