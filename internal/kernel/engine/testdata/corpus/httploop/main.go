package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
)

func hello(w http.ResponseWriter, req *http.Request) {
	fmt.Fprintf(w, "hello %s\n", req.URL.Query().Get("name"))
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", hello)
	mux.HandleFunc("/headers", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("X-Test", "yes")
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, req.Method)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/hello?name=gopher")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status, strings.TrimSpace(string(body)))
	req, _ := http.NewRequest("POST", srv.URL+"/headers", strings.NewReader("x"))
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	b2, _ := io.ReadAll(resp2.Body)
	resp2.Body.Close()
	fmt.Println(resp2.StatusCode, resp2.Header.Get("X-Test"), string(b2))
	resp3, _ := http.Get(srv.URL + "/missing")
	fmt.Println(resp3.StatusCode)
	resp3.Body.Close()
}
