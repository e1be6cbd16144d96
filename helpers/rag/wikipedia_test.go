package rag

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// gopherPage is a page as MediaWiki's REST API returns it (Parsoid HTML), shortened; the text is written
// for this test.
const gopherPage = `<!DOCTYPE html>
<html prefix="dc: http://purl.org/dc/terms/"><head><meta charset="utf-8"/><title>Gopher (mascot)</title>
<link rel="stylesheet" href="/w/load.php?modules=site.styles"/></head>
<body class="mw-content-ltr mw-parser-output" lang="en">
<section data-mw-section-id="0"><div class="shortdescription nomobile noexcerpt">Mascot of a language</div>
<div role="note" class="hatnote navigation-not-searchable">For the animal, see Pocket gopher.</div>
<table class="infobox vcard"><tbody><tr><th>Created</th><td>2009</td></tr></tbody></table>
<p>The <b>Go gopher</b> is the mascot of the Go programming language.<sup class="mw-ref reference" id="cite_ref-1"><a href="#cite_note-1"><span class="mw-reflink-text">[1]</span></a></sup> It was drawn by Renée French.</p></section>
<section data-mw-section-id="1"><h2 id="History">History</h2>
<p>The gopher first appeared on a radio station's T-shirt.</p></section>
<section data-mw-section-id="2"><h2 id="See_also">See also</h2><ul><li>Plan 9 bunny</li></ul></section>
<section data-mw-section-id="3"><h2 id="References">References</h2>
<div class="mw-references-wrap"><ol class="mw-references references"><li id="cite_note-1">A source.</li></ol></div></section>
</body></html>`

// wikiServer serves gopherPage at the REST API's path and counts requests.
func wikiServer(t *testing.T, handler http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func servePage(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/w/rest.php/v1/page/Gopher_(mascot)/html" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"httpCode":404,"httpReason":"Not Found"}`))
			return
		}
		if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "golm-rag/") {
			t.Errorf("User-Agent %q", ua)
		}
		w.Header().Set("Content-Type", `text/html; charset=utf-8; profile="https://www.mediawiki.org/wiki/Specs/HTML/2.8.0"`)
		w.Write([]byte(gopherPage))
	}
}

func TestLoadWikipedia(t *testing.T) {
	srv, n := wikiServer(t, servePage(t))
	ctx := context.Background()
	cache := t.TempDir()
	o := WikipediaOptions{BaseURL: srv.URL + "/", CacheDir: cache}
	doc, err := LoadWikipedia(ctx, "Gopher (mascot)", o)
	if err != nil {
		t.Fatal(err)
	}
	want := "The Go gopher is the mascot of the Go programming language. It was drawn by Renée French.\n\n" +
		"## History\n\nThe gopher first appeared on a radio station's T-shirt."
	if doc.Text != want {
		t.Errorf("text:\n%s\nwant:\n%s", doc.Text, want)
	}
	if doc.Title != "Gopher (mascot)" || doc.Source != srv.URL+"/wiki/Gopher_%28mascot%29" || doc.Format != Markdown ||
		doc.Metadata["url"] != doc.Source || doc.Metadata["title"] != doc.Title || doc.Metadata["licence"] == "" {
		t.Errorf("document %+v", doc)
	}
	// Cached: underscores and spaces name the same page, and the server is not asked again.
	again, err := LoadWikipedia(ctx, "Gopher_(mascot)", o)
	if err != nil || again.Text != doc.Text || n.Load() != 1 {
		t.Errorf("from the cache: %v, %d requests", err, n.Load())
	}
	// Refresh asks again; NoCache asks and does not need a cache folder.
	if _, err := LoadWikipedia(ctx, "Gopher (mascot)", WikipediaOptions{BaseURL: srv.URL, CacheDir: cache, Refresh: true}); err != nil || n.Load() != 2 {
		t.Errorf("refresh: %v, %d requests", err, n.Load())
	}
	if _, err := LoadWikipedia(ctx, "Gopher (mascot)", WikipediaOptions{BaseURL: srv.URL, NoCache: true, CacheDir: "/nonexistent/x"}); err != nil || n.Load() != 3 {
		t.Errorf("no cache: %v, %d requests", err, n.Load())
	}
	// KeepReferences keeps the end sections, still without the reference list's boilerplate classes.
	full, err := LoadWikipedia(ctx, "Gopher (mascot)", WikipediaOptions{BaseURL: srv.URL, CacheDir: cache, KeepReferences: true})
	if err != nil || !strings.Contains(full.Text, "## See also\n\n- Plan 9 bunny") || strings.Contains(full.Text, "A source.") {
		t.Errorf("KeepReferences: %v\n%s", err, full.Text)
	}
	// The environment variable names the wiki when the option does not.
	t.Setenv("GOLM_WIKIPEDIA_URL", srv.URL)
	if _, err := LoadWikipedia(ctx, "Gopher (mascot)", WikipediaOptions{CacheDir: cache}); err != nil {
		t.Errorf("GOLM_WIKIPEDIA_URL: %v", err)
	}
	// The chunks cite the article.
	chunks, err := Split(doc)
	if err != nil || len(chunks) != 2 || chunks[1].Source != doc.Source || chunks[1].Headings[0] != "History" ||
		chunks[1].Metadata["title"] != "Gopher (mascot)" {
		t.Errorf("chunks %v %+v", err, chunks)
	}
}

func TestLoadWikipediaErrors(t *testing.T) {
	ctx := context.Background()
	huge := strings.Repeat("<p>gopher</p>", 1000)
	tests := []struct {
		name    string
		title   string
		handler http.HandlerFunc
		opts    WikipediaOptions
		want    string
		is      error
	}{
		{name: "missing page", title: "No such page", handler: servePage(t), want: "no such page", is: ErrPageNotFound},
		{name: "server error", title: "Gopher (mascot)", want: "500 Internal Server Error: the database is down",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "the database is down", http.StatusInternalServerError)
			}},
		{name: "rate limited", title: "Gopher (mascot)", want: "429 Too Many Requests",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, strings.Repeat("slow down ", 1000), http.StatusTooManyRequests)
			}},
		{name: "not HTML", title: "Gopher (mascot)", want: `answered "application/json", not HTML`,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{}`))
			}},
		{name: "too large, with a length", title: "Gopher (mascot)", opts: WikipediaOptions{MaxBytes: 1000},
			want: "is 13000 bytes, more than WikipediaOptions.MaxBytes (1000)",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Length", "13000")
				w.Write([]byte(huge))
			}},
		{name: "too large, streamed", title: "Gopher (mascot)", opts: WikipediaOptions{MaxBytes: 1000},
			want: "more than WikipediaOptions.MaxBytes (1000 bytes)",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				for range 100 {
					w.Write([]byte(huge[:130]))
					w.(http.Flusher).Flush() // chunked: no Content-Length
				}
			}},
		{name: "no text", title: "Gopher (mascot)", want: "document has no text", is: ErrEmptyDocument,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Write([]byte(`<html><body><section><h2>References</h2><p>x</p></section></body></html>`))
			}},
		{name: "too slow", title: "Gopher (mascot)", opts: WikipediaOptions{Timeout: 50 * time.Millisecond},
			want: "context deadline exceeded", is: context.DeadlineExceeded,
			handler: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			}},
		{name: "empty title", title: " _ ", handler: servePage(t), want: "needs a page title"},
		{name: "bad base URL", title: "Gopher", handler: servePage(t), opts: WikipediaOptions{BaseURL: "ftp://x"},
			want: "not an http(s) address"},
		{name: "negative MaxBytes", title: "Gopher", handler: servePage(t), opts: WikipediaOptions{MaxBytes: -1},
			want: "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := wikiServer(t, tc.handler)
			cache := t.TempDir()
			tc.opts.CacheDir = cache
			if tc.opts.BaseURL == "" {
				tc.opts.BaseURL = srv.URL
			}
			_, err := LoadWikipedia(ctx, tc.title, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if len(err.Error()) > 400 {
				t.Errorf("the error is %d bytes long", len(err.Error()))
			}
			if entries, _ := os.ReadDir(cache); len(entries) != 0 && tc.is != ErrEmptyDocument {
				t.Errorf("something was cached after an error: %v", entries)
			}
		})
	}
	// Two options are an error, not a panic.
	if _, err := LoadWikipedia(ctx, "Gopher", WikipediaOptions{}, WikipediaOptions{}); err == nil {
		t.Error("two options accepted")
	}
}
