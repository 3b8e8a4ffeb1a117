/**
 * The TypeScript module the transformer works with, passed in rather than
 * imported: ts-patch hands a program transformer the (patched) compiler it runs
 * in (`extras.ts`), and loading a second copy of `typescript` would cost time
 * and mix node objects of two compilers. Only types are imported here.
 */
export type TypeScript = typeof import("typescript");
