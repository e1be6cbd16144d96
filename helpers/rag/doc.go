// Package rag is retrieval-augmented generation in a few calls: load documents, split them into chunks
// that remember where they came from, embed the chunks, index the vectors, search by meaning (dense), by
// words (BM25) or both (hybrid), and measure how well a retriever finds the passages that answer questions.
//
//	doc, err := rag.NewDocument("money.md", text, rag.Markdown)
//	chunks, err := rag.Split(doc, rag.SplitOptions{MaxTokens: 200})
//	emb, err := rag.NewCache(rag.OpenAI(client, ""), rag.CacheOptions{Dir: "embeddings"})
//	dense, err := rag.NewDense(emb, nil) // an exact in-memory Index
//	err = dense.Add(ctx, chunks)
//	hits, err := dense.Search(ctx, "What is money?", 3)
//	display.Show(hits)
//
// # Documents and chunks
//
// A Document is plain text, Markdown, the main text of an HTML page (navigation, scripts and styles
// dropped, headings kept as Markdown headings), or the text of a PDF's pages (LoadDocument reads any of them,
// the file's extension choosing; a PDF's chunks know their pages, and cite them: "report.pdf p. 3"). Split cuts it by structure (headings, then paragraphs packed up
// to a token budget, counted with an OpenAI encoding from the tokens package) or into fixed token windows with
// overlap. Each Chunk keeps its source, heading path, byte range and line range in the document for
// citations.
//
// # Embeddings
//
// An Embedder turns texts into vectors and has a name that identifies its model (vectors of different
// models cannot be compared). OpenAI adapts an llm.Client; EmbedFunc adapts any function, such as a local
// model's Embed method. A Cache wraps an Embedder with batching, a progress bar, and a cache keyed by the
// model name and a hash of each text, in memory and optionally on disk, so running a cell again does not
// embed again.
//
// # Stores
//
// A Store holds vectors by id with string metadata and finds the nearest ones to a query vector. Index
// searches exactly, over all cores, with AVX2 dot products where the processor has them, optionally
// scanning int8-quantized vectors first and re-scoring the best candidates exactly. HNSW is an approximate
// graph index for large collections. Both normalise vectors on insert (so the score is the cosine
// similarity), filter by metadata, add, update and delete by id, and save to one file that Load reads back.
// A distributed vector database can sit behind the same Store interface.
//
// # Retrievers and evaluation
//
// A Retriever finds the chunks for a text query: Dense (an Embedder and a Store), BM25 (words) and Hybrid
// (reciprocal rank fusion of several). Evaluate measures recall@k and MRR on questions whose relevant chunk
// ids are known; the result renders as an HTML table in a notebook.
package rag
