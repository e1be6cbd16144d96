package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// readParquet reads every row of a Parquet file. Each leaf column becomes a column named by its path
// (nested fields joined with "."); a repeated field's values are joined with newlines; a null is "".
func readParquet(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Dataset, error) {
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, fmt.Errorf("%s: not a Parquet file: %w", o.Name, err)
	}
	c := newCollector(o)
	var names []string
	for _, p := range f.Schema().Columns() {
		name := strings.Join(p, ".")
		names = append(names, name)
		c.column(name)
	}
	rowNum := 0
	buf := make([]parquet.Row, 256)
	for _, rg := range f.RowGroups() {
		rows := rg.Rows()
		for !c.full() {
			if err := ctx.Err(); err != nil {
				rows.Close()
				return nil, err
			}
			n, err := rows.ReadRows(buf)
			for _, pr := range buf[:n] {
				rowNum++
				if c.full() {
					break
				}
				row := make(Row, len(names))
				for _, v := range pr {
					col := v.Column()
					if col < 0 || col >= len(names) || v.IsNull() {
						continue
					}
					if old, ok := row[names[col]]; ok {
						row[names[col]] = old + "\n" + v.String()
					} else {
						row[names[col]] = v.String()
					}
				}
				c.d.Rows = append(c.d.Rows, row)
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rows.Close()
				// A corrupt page loses the rest of its row group: say from which row.
				if berr := c.bad(rowNum+1, "", fmt.Errorf("reading the row group: %w", err)); berr != nil {
					return nil, berr
				}
				break
			}
		}
		rows.Close()
	}
	return c.d, nil
}
