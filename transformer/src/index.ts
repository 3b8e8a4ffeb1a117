// @tsray/transformer entry point: being built under issue 2.
export {};
