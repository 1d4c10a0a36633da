// The public surface of this package lands with its issue (#4); until then it exports nothing.
export {};
