package main

import (
	"cmp"
	"container/heap"
	"fmt"
	"slices"
	"sort"
	"strings"
)

type Task struct {
	Name     string
	Priority int
}

// TaskQueue is a min-heap of tasks by priority.
type TaskQueue []*Task

func (q TaskQueue) Len() int           { return len(q) }
func (q TaskQueue) Less(i, j int) bool { return q[i].Priority < q[j].Priority }
func (q TaskQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *TaskQueue) Push(x any)        { *q = append(*q, x.(*Task)) }
func (q *TaskQueue) Pop() any {
	old := *q
	n := len(old)
	t := old[n-1]
	*q = old[:n-1]
	return t
}

type byLength []string

func (b byLength) Len() int           { return len(b) }
func (b byLength) Less(i, j int) bool { return len(b[i]) < len(b[j]) }
func (b byLength) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

func main() {
	q := &TaskQueue{}
	heap.Init(q)
	for i, name := range []string{"write", "test", "deploy", "plan"} {
		heap.Push(q, &Task{name, []int{3, 2, 5, 1}[i]})
	}
	var order []string
	for q.Len() > 0 {
		t := heap.Pop(q).(*Task)
		order = append(order, fmt.Sprintf("%s(%d)", t.Name, t.Priority))
	}
	fmt.Println(strings.Join(order, " "))

	words := []string{"banana", "kiwi", "apple", "fig"}
	sort.Sort(byLength(words))
	fmt.Println(words)
	sort.Sort(sort.Reverse(sort.StringSlice(words)))
	fmt.Println(words)

	tasks := []Task{{"b", 2}, {"a", 2}, {"c", 1}}
	slices.SortStableFunc(tasks, func(x, y Task) int { return cmp.Compare(x.Priority, y.Priority) })
	fmt.Println(tasks)
	idx, found := slices.BinarySearchFunc(tasks, 2, func(t Task, p int) int { return cmp.Compare(t.Priority, p) })
	fmt.Println(idx, found)

	ints := []int{5, 2, 8, 1}
	sort.Ints(ints)
	i := sort.SearchInts(ints, 5)
	fmt.Println(ints, i, sort.IsSorted(sort.IntSlice(ints)))
}
