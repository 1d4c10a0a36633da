// The public surface of this package lands with its issue (#5); until then it exports nothing.
export {};
