package ingest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ListSource is an official list publication: the dataset it feeds, the
// format Read takes it in, and its files (local file name -> URL).
type ListSource struct {
	Dataset string
	Format  string
	Files   map[string]string
}

const ofacDownloads = "https://www.treasury.gov/ofac/downloads/"

// OfficialSources returns the public lists `nexus lists update` fetches:
// OFAC's SDN CSV set and the UN Security Council consolidated XML.
func OfficialSources() []ListSource {
	return []ListSource{
		{Dataset: "us_ofac_sdn", Format: "ofac", Files: map[string]string{
			"sdn.csv":          ofacDownloads + "sdn.csv",
			"alt.csv":          ofacDownloads + "alt.csv",
			"add.csv":          ofacDownloads + "add.csv",
			"sdn_comments.csv": ofacDownloads + "sdn_comments.csv",
		}},
		{Dataset: "un_sc", Format: "unsc", Files: map[string]string{
			"UN_consolidated.xml": "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
		}},
	}
}

// ofacColumns is the field count of each OFAC file, to check a download.
var ofacColumns = map[string]int{"sdn.csv": 12, "alt.csv": 5, "add.csv": 6, "sdn_comments.csv": 2}

// Download fetches every file of src into dir with client, honouring ctx,
// and checks each: HTTP 200, not empty, not an HTML page, OFAC CSV rows
// with the right field count, XML well-formed at its root. It returns the
// path to give Read (dir for a multi-file source, the file otherwise) and
// the hex sha256 of each file by local name. Files are written under a
// temporary name and renamed only once they pass, so a failed download
// never replaces a good copy.
func Download(ctx context.Context, client *http.Client, src ListSource, dir string) (path string, sums map[string]string, err error) {
	if len(src.Files) == 0 {
		return "", nil, fmt.Errorf("download %s: no files", src.Dataset)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, fmt.Errorf("download %s: %w", src.Dataset, err)
	}
	names := make([]string, 0, len(src.Files))
	for n := range src.Files {
		if n != filepath.Base(n) || n == "." || n == ".." {
			return "", nil, fmt.Errorf("download %s: bad file name %q", src.Dataset, n)
		}
		names = append(names, n)
	}
	slices.Sort(names)
	sums = map[string]string{}
	var tmps []string
	defer func() {
		for _, t := range tmps {
			os.Remove(t) // no-op after a successful rename
		}
	}()
	for _, n := range names {
		tmp, sum, err := fetchFile(ctx, client, src.Files[n], dir, n)
		if tmp != "" {
			tmps = append(tmps, tmp)
		}
		if err != nil {
			return "", nil, fmt.Errorf("download %s %s: %w", src.Dataset, n, err)
		}
		sums[n] = sum
	}
	for i, n := range names {
		if err := os.Rename(tmps[i], filepath.Join(dir, n)); err != nil {
			return "", nil, fmt.Errorf("download %s: %w", src.Dataset, err)
		}
	}
	if len(names) == 1 {
		return filepath.Join(dir, names[0]), sums, nil
	}
	return dir, sums, nil
}

// fetchFile downloads url to a temporary file in dir and verifies it as
// the list file name. It returns the temporary path even on error, for
// cleanup.
func fetchFile(ctx context.Context, client *http.Client, url, dir, name string) (tmp, sum string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return "", "", err
	}
	tmp = f.Name()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return tmp, "", fmt.Errorf("GET %s: %w", url, err)
	}
	if n == 0 {
		return tmp, "", fmt.Errorf("GET %s: empty body", url)
	}
	if err := verifyFile(tmp, name); err != nil {
		return tmp, "", err
	}
	return tmp, hex.EncodeToString(h.Sum(nil)), nil
}

// verifyFile checks a downloaded file looks like the list file it claims
// to be. Agencies answer outages and blocks with an HTML page and status
// 200, so the content is checked, not just the status.
func verifyFile(path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head, _ := br.Peek(512)
	trimmed := bytes.ToLower(bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))))
	if bytes.HasPrefix(trimmed, []byte("<!doctype html")) || bytes.HasPrefix(trimmed, []byte("<html")) ||
		bytes.Contains(trimmed, []byte("<html")) {
		return errors.New("got an HTML page, want the list file")
	}
	switch {
	case ofacColumns[name] > 0:
		return verifyOFACHead(br, name)
	case strings.HasSuffix(name, ".xml"):
		return verifyXMLRoot(br)
	}
	return nil
}

// verifyOFACHead parses the first rows of an OFAC CSV file.
func verifyOFACHead(r io.Reader, name string) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	for i := 0; i < 10; i++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not an OFAC %s: %w", name, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == ofacEOF {
			return nil
		}
		if len(rec) != ofacColumns[name] {
			return fmt.Errorf("not an OFAC %s: row %d has %d fields, want %d", name, i+1, len(rec), ofacColumns[name])
		}
	}
	return nil
}

// verifyXMLRoot reads the whole document token by token and checks that
// the root element closes.
func verifyXMLRoot(r io.Reader) error {
	dec := xml.NewDecoder(r)
	depth, closed := 0, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("malformed XML at byte offset %d: %w", dec.InputOffset(), err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
			if depth == 0 {
				closed = true
			}
		}
	}
	if !closed {
		return errors.New("XML root element never closes (truncated?)")
	}
	return nil
}
