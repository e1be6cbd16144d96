package rag

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/golm-dev/golm/helpers/internal/options"
)

// DefaultWikipediaURL is the Wikipedia that LoadWikipedia asks when neither WikipediaOptions.BaseURL nor the
// environment variable GOLM_WIKIPEDIA_URL names another (any MediaWiki with the REST API: another language's
// Wikipedia, a mirror, a test server).
const DefaultWikipediaURL = "https://en.wikipedia.org"

// ErrPageNotFound is a Wikipedia page that does not exist.
var ErrPageNotFound = errors.New("no such page")

// WikipediaOptions are the settings of LoadWikipedia. The zero value asks English Wikipedia (or
// $GOLM_WIKIPEDIA_URL), caches pages on disk and accepts pages of up to 8 MiB.
type WikipediaOptions struct {
	// BaseURL is the wiki's address, such as "https://de.wikipedia.org"; empty means $GOLM_WIKIPEDIA_URL, and
	// when that is not set either, DefaultWikipediaURL.
	BaseURL string
	// CacheDir is the folder of the page cache; empty means $GOLM_CACHE/wikipedia, or golm/wikipedia in the
	// user's cache folder (~/.cache/golm/wikipedia on Linux).
	CacheDir string
	// NoCache fetches the page even when it is cached, and does not cache it.
	NoCache bool
	// Refresh fetches the page even when it is cached, and caches the new copy.
	Refresh bool
	// KeepReferences keeps the sections after the article's text (See also, Notes, References, External
	// links, Further reading, …), which are cut off by default.
	KeepReferences bool
	// MaxBytes is the largest page accepted, in bytes of HTML; 0 means 8 MiB.
	MaxBytes int64
	// Timeout bounds the whole request; 0 means 30 seconds.
	Timeout time.Duration
	// Client is the HTTP client to use; nil means a plain one.
	Client *http.Client
}

// LoadWikipedia fetches a Wikipedia article through the REST API of MediaWiki
// (GET BASE/w/rest.php/v1/page/TITLE/html) and returns its main text as a Markdown document: headings kept,
// without reference marks, infoboxes, navigation boxes and the sections after the text (see
// WikipediaOptions.KeepReferences). The document's source is the article's address, its title the
// article's, and its metadata holds "title", "url" and "licence" (Wikipedia's text is under CC BY-SA 4.0:
// credit the article when you republish what you take from it).
//
// Pages are cached on disk (see WikipediaOptions.CacheDir), so the page is fetched once. A title is written
// as on Wikipedia ("Jeremy Howard (entrepreneur)"; spaces or underscores). A page that does not exist is an
// error wrapping ErrPageNotFound; other HTTP errors, a page larger than MaxBytes and a response that is not
// HTML are errors too, and nothing is cached for them.
func LoadWikipedia(ctx context.Context, title string, opts ...WikipediaOptions) (Document, error) {
	o, err := options.One("rag: LoadWikipedia", opts)
	if err != nil {
		return Document{}, err
	}
	title = strings.TrimSpace(strings.ReplaceAll(title, "_", " "))
	if title == "" {
		return Document{}, errors.New("rag: LoadWikipedia needs a page title")
	}
	base, err := wikiBase(o.BaseURL)
	if err != nil {
		return Document{}, err
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = 8 << 20
	}
	if o.MaxBytes < 0 {
		return Document{}, fmt.Errorf("rag: WikipediaOptions.MaxBytes %d is negative", o.MaxBytes)
	}
	path := strings.ReplaceAll(title, " ", "_")
	page := base + "/wiki/" + url.PathEscape(path)
	api := base + "/w/rest.php/v1/page/" + url.PathEscape(path) + "/html"

	var cacheFile string
	if !o.NoCache {
		dir := o.CacheDir
		if dir == "" {
			dir = wikiCacheDir()
		}
		sum := sha256.Sum256([]byte(base + "\n" + path))
		cacheFile = filepath.Join(dir, fmt.Sprintf("%s-%x.html", safeName(path), sum[:8]))
	}
	var body []byte
	if cacheFile != "" && !o.Refresh {
		if b, err := os.ReadFile(cacheFile); err == nil && int64(len(b)) <= o.MaxBytes {
			body = b
		}
	}
	if body == nil {
		body, err = fetchWiki(ctx, api, title, o)
		if err != nil {
			return Document{}, err
		}
		if cacheFile != "" {
			if err := writeAtomic(cacheFile, body); err != nil {
				return Document{}, fmt.Errorf("rag: caching %q: %w", title, err)
			}
		}
	}
	return wikiDocument(title, page, string(body), o.KeepReferences)
}

// wikiBase returns the wiki's base URL without a trailing slash, checked.
func wikiBase(base string) (string, error) {
	if base == "" {
		base = os.Getenv("GOLM_WIKIPEDIA_URL")
	}
	if base == "" {
		base = DefaultWikipediaURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("rag: the Wikipedia base URL %q is not an http(s) address", base)
	}
	return strings.TrimRight(base, "/"), nil
}

// wikiCacheDir is the default page cache: $GOLM_CACHE/wikipedia or golm/wikipedia in the user's cache folder.
func wikiCacheDir() string {
	if d := os.Getenv("GOLM_CACHE"); d != "" {
		return filepath.Join(d, "wikipedia")
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "golm", "wikipedia")
	}
	return filepath.Join(os.TempDir(), "golm-cache", "wikipedia")
}

// userAgent identifies golm to Wikipedia, whose policy asks for a descriptive one.
const userAgent = "golm-rag/1 (https://github.com/golm-dev/golm; a Go course on language models)"

// fetchWiki GETs a page's HTML, bounded by o.MaxBytes and o.Timeout.
func fetchWiki(ctx context.Context, api, title string, o WikipediaOptions) ([]byte, error) {
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, api, nil)
	if err != nil {
		return nil, fmt.Errorf("rag: Wikipedia page %q: %w", title, err)
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "text/html")
	client := o.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("rag: Wikipedia page %q: %w", title, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("rag: Wikipedia page %q (%s): %w", title, api, ErrPageNotFound)
	}
	if resp.StatusCode != http.StatusOK {
		excerptBody, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		msg := excerpt(string(excerptBody), 200)
		if msg != "" {
			msg = ": " + msg
		}
		return nil, fmt.Errorf("rag: Wikipedia page %q: %s answered %s%s", title, api, resp.Status, msg)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "text/html" && mt != "application/xhtml+xml") {
			return nil, fmt.Errorf("rag: Wikipedia page %q: %s answered %q, not HTML", title, api, ct)
		}
	}
	if resp.ContentLength > o.MaxBytes {
		return nil, fmt.Errorf("rag: Wikipedia page %q is %d bytes, more than WikipediaOptions.MaxBytes (%d)",
			title, resp.ContentLength, o.MaxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, o.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("rag: Wikipedia page %q: reading %s: %w", title, api, err)
	}
	if int64(len(body)) > o.MaxBytes {
		return nil, fmt.Errorf("rag: Wikipedia page %q is more than WikipediaOptions.MaxBytes (%d bytes)",
			title, o.MaxBytes)
	}
	return body, nil
}

// writeAtomic writes a file through a temporary file and a rename, creating its folder.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // nothing left after a successful rename
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// wikiSkippedClasses are classes of a Wikipedia article's HTML that are not its running text.
var wikiSkippedClasses = []string{"infobox", "hatnote", "mw-references-wrap", "reflist", "references",
	"shortdescription", "ambox", "metadata", "thumb", "mw-empty-elt", "toc"}

// endSections are the headings of the sections after an article's text, cut off unless KeepReferences.
var endSections = map[string]bool{"see also": true, "notes": true, "references": true, "external links": true,
	"further reading": true, "bibliography": true, "citations": true, "sources": true, "footnotes": true,
	"notes and references": true, "works cited": true}

// wikiDocument turns an article's HTML into a document.
func wikiDocument(title, page, src string, keepRefs bool) (Document, error) {
	pageTitle, text, err := htmlTextSkipping(src, wikiSkippedClasses)
	if err != nil {
		return Document{}, fmt.Errorf("rag: reading the HTML of Wikipedia page %q: %w", title, err)
	}
	if pageTitle == "" {
		pageTitle = title
	}
	if !keepRefs {
		text = cutEndSections(text)
	}
	if strings.TrimSpace(text) == "" {
		return Document{}, fmt.Errorf("rag: Wikipedia page %q: %w", title, ErrEmptyDocument)
	}
	return Document{Source: page, Title: pageTitle, Text: text, Format: Markdown, Metadata: map[string]string{
		"title": pageTitle, "url": page, "licence": "CC BY-SA 4.0 (Wikipedia)"}}, nil
}

// cutEndSections cuts Markdown text before its first heading named in endSections.
func cutEndSections(text string) string {
	for _, b := range blocksOf(text, Markdown) {
		if b.level > 0 && endSections[strings.ToLower(b.title)] {
			return strings.TrimRight(text[:b.start], "\n")
		}
	}
	return text
}
