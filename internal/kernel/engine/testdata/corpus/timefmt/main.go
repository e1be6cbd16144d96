package main

import (
	"fmt"
	"time"
)

func main() {
	t := time.Date(2009, 11, 17, 20, 34, 58, 651387237, time.UTC)
	fmt.Println(t)
	fmt.Println(t.Year(), t.Month(), t.Day(), t.Hour(), t.Weekday())
	fmt.Println(t.Format(time.RFC3339))
	fmt.Println(t.Format("3:04PM"))
	fmt.Println(t.Format("Mon Jan _2 15:04:05 2006"))
	fmt.Println(t.Format("2006-01-02T15:04:05.999999-07:00"))
	t1, e := time.Parse(time.RFC3339, "2012-11-01T22:08:41+00:00")
	fmt.Println(t1, e)
	_, e = time.Parse("Mon Jan _2 15:04:05 2006", "8:41PM")
	fmt.Println(e)
	t2 := t.Add(36 * time.Hour)
	fmt.Println(t2.Sub(t), t2.After(t), t2.Format("2006-01-02"))
	d, _ := time.ParseDuration("1h15m30.5s")
	fmt.Println(d, d.Minutes())
	fmt.Println(t.Unix(), t.UnixMilli(), time.Unix(1e9, 0).UTC())
	fmt.Println(t.Truncate(time.Hour).Format(time.Kitchen))
}
