/** Float64 tensor arithmetic that agrees with numpy to the last bit where numpy's order is reproducible. */
export * from './shapes';
export * from './elementwise';
export * from './reduce';
export * from './matmul';
export { crExp, crLog, crPow } from './libm';
export { fma } from './fma';
