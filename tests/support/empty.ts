// Stand-in for the `server-only` package outside Next's react-server bundle.
export {};
