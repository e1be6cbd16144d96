// Package weaviate keeps rag's vectors in Weaviate, a distributed vector database written in Go: a
// *Collection is a rag.Store, so it replaces the in-memory rag.Index behind a dense retriever with one line
// when a collection outgrows one machine.
//
//	store, err := weaviate.New(ctx, "Handbook", weaviate.Options{URL: "http://localhost:8080", Embedder: emb.Name()})
//	dense, err := rag.NewDense(emb, store) // instead of rag.NewDense(emb, nil)
//
// The vectors come from golm's embedders (the collection uses Weaviate's "none" vectorizer) and are stored
// normalised, with cosine distance, so a search's scores are the cosine similarities rag.Index returns. An
// item's id may be any string: Weaviate's object id is a UUID derived from it (version 5), so the same id
// always names the same object. Metadata is stored as JSON in the property golmMeta and, for Where filters,
// as hashes of its key/value pairs in golmWhere; the item's id is in golmId.
//
// The package talks to Weaviate's REST and GraphQL API over net/http (no client library, no gRPC port). It
// checks what Weaviate would accept only in part: a vector of another dimension, a duplicate or unknown id,
// and a collection made for another embedder or dimension are refused before anything is written. Weaviate
// has no transactions: if a write fails half-way (a server error, a cancelled context), the objects already
// written are taken back (deleted, or restored to their old vectors and metadata) before the error returns.
//
// scripts/weaviate.sh in golm's repository builds Weaviate's server from the Go module proxy (once, cached
// by version); `make test-weaviate` starts it on loopback and runs this package's tests against it.
package weaviate
