// The public surface of this package lands with its issue (#6); until then it exports nothing.
export {};
