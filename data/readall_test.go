package data

import (
	"io"
	"os"
)

// readFrom reads a whole CSV stream into a Dataset as package encode does
// for a table of numbers: the request checked by CheckColumns, the rows by
// NewReader and ReadAll.
func readFrom(r io.Reader, name string, xCols, yCols []string) (*Dataset, error) {
	if err := CheckColumns(name, xCols, yCols); err != nil {
		return nil, err
	}
	rd, err := NewReader(r, name, append(append([]string(nil), xCols...), yCols...))
	if err != nil {
		return nil, err
	}
	return rd.ReadAll(len(xCols), 0)
}

// readFile is readFrom of the file at path, with its size for ReadAll.
func readFile(path string, xCols, yCols []string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Err: err}
	}
	defer f.Close()
	if err := CheckColumns(path, xCols, yCols); err != nil {
		return nil, err
	}
	rd, err := NewReader(f, path, append(append([]string(nil), xCols...), yCols...))
	if err != nil {
		return nil, err
	}
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return rd.ReadAll(len(xCols), size)
}
