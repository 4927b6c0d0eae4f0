//! Full-text search: one schema and one query engine, compiled natively (indexing, the
//! `testimony search` command) and to wasm32 (the runtime in the reader's browser).
