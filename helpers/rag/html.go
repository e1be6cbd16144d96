package rag

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipped are the elements whose content is not main text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Nav: true, atom.Header: true,
	atom.Footer: true, atom.Aside: true, atom.Form: true, atom.Template: true, atom.Svg: true,
	atom.Iframe: true, atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Head: true,
	atom.Object: true, atom.Canvas: true, atom.Math: true,
}

// skippedClasses are classes of boilerplate inside main text (Wikipedia's edit links, reference marks and
// navigation boxes).
var skippedClasses = []string{"mw-editsection", "reference", "navbox", "noprint", "mw-jump-link", "sidebar"}

// htmlText returns an HTML page's title and its main text as Markdown-like text.
func htmlText(src string) (title, text string, err error) { return htmlTextSkipping(src, nil) }

// htmlTextSkipping is htmlText, also skipping elements of the given classes.
func htmlTextSkipping(src string, classes []string) (title, text string, err error) {
	root, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return "", "", err
	}
	var titleNode, mainNode, body *html.Node
	var articles []*html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if titleNode == nil {
					titleNode = n
				}
			case atom.Main:
				if mainNode == nil {
					mainNode = n
				}
			case atom.Article:
				articles = append(articles, n)
			case atom.Body:
				body = n
			}
			if role(n) == "main" && mainNode == nil {
				mainNode = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(root)
	if titleNode != nil {
		title = collapse(textOf(titleNode))
	}
	start := mainNode
	if start == nil && len(articles) == 1 {
		start = articles[0]
	}
	if start == nil {
		start = body
	}
	if start == nil {
		start = root
	}
	w := &htmlWriter{skip: classes}
	w.walk(start)
	w.flush()
	return title, strings.Join(w.blocks, "\n\n"), nil
}

func role(n *html.Node) string {
	for _, a := range n.Attr {
		if a.Key == "role" {
			return strings.ToLower(a.Val)
		}
	}
	return ""
}

func hidden(n *html.Node, extra []string) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		case "role":
			if v := strings.ToLower(a.Val); v == "navigation" || v == "banner" || v == "contentinfo" {
				return true
			}
		case "class":
			for _, c := range strings.Fields(a.Val) {
				for _, s := range skippedClasses {
					if c == s {
						return true
					}
				}
				for _, s := range extra {
					if c == s {
						return true
					}
				}
			}
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return sb.String()
}

// collapse replaces runs of white space with one space and trims the ends.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// htmlWriter turns HTML into blocks of text separated by blank lines.
type htmlWriter struct {
	blocks []string
	line   strings.Builder // the inline text of the block being written
	prefix string          // "# ", "- ": what the current block starts with
	skip   []string        // more classes to skip
}

// flush ends the current block.
func (w *htmlWriter) flush() {
	if t := collapse(w.line.String()); t != "" {
		w.blocks = append(w.blocks, w.prefix+t)
	}
	w.line.Reset()
	w.prefix = ""
}

func (w *htmlWriter) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.line.WriteString(n.Data)
		return
	case html.ElementNode:
	default:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c)
		}
		return
	}
	if skipped[n.DataAtom] || hidden(n, w.skip) {
		return
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.flush()
		level := int(n.Data[1] - '0')
		w.prefix = strings.Repeat("#", level) + " "
		w.children(n)
		w.flush()
	case atom.P, atom.Div, atom.Section, atom.Blockquote, atom.Dd, atom.Dt, atom.Figcaption, atom.Ul, atom.Ol,
		atom.Table, atom.Article, atom.Main, atom.Dl, atom.Figure, atom.Details, atom.Summary:
		w.flush()
		w.children(n)
		w.flush()
	case atom.Li:
		w.flush()
		w.prefix = "- "
		w.children(n)
		w.flush()
	case atom.Tr:
		w.flush()
		var cells []string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) && !hidden(c, w.skip) {
				sub := &htmlWriter{skip: w.skip}
				sub.children(c)
				sub.flush()
				cells = append(cells, strings.Join(sub.blocks, " "))
			}
		}
		w.line.WriteString(strings.Join(cells, " | "))
		w.flush()
	case atom.Pre:
		w.flush()
		if t := strings.Trim(textOf(n), "\n"); strings.TrimSpace(t) != "" {
			w.blocks = append(w.blocks, "```\n"+t+"\n```")
		}
	case atom.Br:
		w.line.WriteString(" ")
	case atom.Img:
		for _, a := range n.Attr {
			if a.Key == "alt" && strings.TrimSpace(a.Val) != "" {
				w.line.WriteString(" " + a.Val + " ")
			}
		}
	default:
		w.children(n)
	}
}

func (w *htmlWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}
