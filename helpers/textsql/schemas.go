package textsql

import (
	"fmt"
	"strconv"
	"strings"
)

// kind is what a column holds, which decides the questions it takes part in.
type kind int

const (
	label kind = iota // a name that identifies a row (Hosts, Name, Title): selected, looked up
	cat               // a category shared by rows (Theme, Department): filtered on, grouped by
	num               // a number with distinct values (Year, Salary): compared, aggregated, ordered by
	id                // a key, never asked about
)

type column struct {
	name   string
	typ    string // SQL type in the CREATE TABLE
	kind   kind
	phrase string // how questions name it ("host city")
}

// table is one small database: a single table, with its rows.
type table struct {
	name      string
	one, many string // how questions name a row and rows ("competition", "competitions")
	labels    string // the label column's phrase in the plural ("names")
	cols      []column
	rows      [][]any
	labelCol  int
	catCols   []int
	numCols   []int
}

func (t *table) create() string {
	parts := make([]string, len(t.cols))
	for i, c := range t.cols {
		parts[i] = c.name + " " + c.typ
	}
	return "CREATE TABLE " + t.name + " (" + strings.Join(parts, ", ") + ")"
}

func sqlValue(v any) string {
	switch x := v.(type) {
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	panic(fmt.Sprintf("textsql: value %v of type %T", v, v)) // only the package's own tables reach here
}

func (t *table) setup() string {
	var b strings.Builder
	b.WriteString(t.create())
	b.WriteString(";\n")
	for _, r := range t.rows {
		vals := make([]string, len(r))
		for i, v := range r {
			vals[i] = sqlValue(v)
		}
		fmt.Fprintf(&b, "INSERT INTO %s VALUES (%s);\n", t.name, strings.Join(vals, ", "))
	}
	return b.String()
}

// index fills labelCol, catCols and numCols from the columns' kinds.
func (t *table) index() *table {
	for i, c := range t.cols {
		switch c.kind {
		case label:
			t.labelCol = i
		case cat:
			t.catCols = append(t.catCols, i)
		case num:
			t.numCols = append(t.numCols, i)
		}
	}
	return t
}

// rowsOf builds n rows: column i takes gen[i](r) for row r. Numbers made by spread are distinct, so that
// "the 3 highest" has one answer.
func rowsOf(n int, gen ...func(r int) any) [][]any {
	rows := make([][]any, n)
	for r := range rows {
		row := make([]any, len(gen))
		for i, g := range gen {
			row[i] = g(r)
		}
		rows[r] = row
	}
	return rows
}

func seq(r int) any { return r + 1 }

func pick(vals ...string) func(int) any {
	return func(r int) any { return vals[r%len(vals)] }
}

func pickEvery(k int, vals ...string) func(int) any {
	return func(r int) any { return vals[(r/k)%len(vals)] }
}

// spread gives n distinct numbers from base, by step, in a scrambled order ((r*7+off) mod n is a permutation
// of 0..n-1 when n is not a multiple of 7).
func spread(n, off, base, step int) func(int) any {
	return func(r int) any { return base + step*((r*7+off)%n) }
}

func names(vals ...string) func(int) any {
	return func(r int) any { return vals[r] }
}

// tables returns the package's databases, freshly built (callers may keep them).
func tables() []*table {
	const (
		nComp  = 16
		nEmp   = 20
		nBook  = 18
		nStat  = 15
		nPlay  = 20
		nProd  = 17
		nFlght = 16
	)
	return []*table{
		(&table{name: "farm_competition", one: "competition", many: "competitions", labels: "hosts",
			cols: []column{
				{"Competition_ID", "INTEGER", id, "id"},
				{"Year", "INTEGER", num, "year"},
				{"Theme", "VARCHAR", cat, "theme"},
				{"Host_city", "VARCHAR", cat, "host city"},
				{"Hosts", "VARCHAR", label, "host"},
				{"Attendance", "INTEGER", num, "attendance"},
			},
			rows: rowsOf(nComp, seq, spread(nComp, 5, 1994, 1),
				pick("Aliens", "Carnival", "Codehunters", "MTV Cube", "Valentine's Day", "Harvest"),
				pickEvery(3, "Grand Falls", "Perth", "Plaster Rock", "Drumheller", "Aroostook", "Marathon"),
				names("Miley Cyrus", "Alicia Keys", "Leehom Wang", "Vanness Wu", "Mandy Moore", "Jonas Brothers",
					"Nick Carter", "Brandy", "Jewel", "Shaggy", "Mary J Blige", "Usher", "Enrique Iglesias",
					"Beyonce", "Ciara", "Pink"),
				spread(nComp, 10, 1200, 150)),
		}).index(),
		(&table{name: "employee", one: "employee", many: "employees", labels: "names",
			cols: []column{
				{"Employee_ID", "INTEGER", id, "id"},
				{"Name", "VARCHAR", label, "name"},
				{"Department", "VARCHAR", cat, "department"},
				{"City", "VARCHAR", cat, "city"},
				{"Salary", "INTEGER", num, "salary"},
				{"Age", "INTEGER", num, "age"},
			},
			rows: rowsOf(nEmp, seq,
				names("Ada Park", "Ben Ortiz", "Chloe Nair", "Dev Patel", "Eva Lind", "Farid Haddad", "Grace Okafor",
					"Hugo Brandt", "Iris Chen", "Jonas Berg", "Kira Sato", "Liam Walsh", "Maya Cohen", "Noah Kim",
					"Olga Petrova", "Pablo Ruiz", "Quinn Hale", "Rosa Diaz", "Sami Laine", "Tara Singh"),
				pick("Sales", "Engineering", "Support", "Finance", "Marketing"),
				pickEvery(4, "Berlin", "Lagos", "Austin", "Osaka", "Lyon"),
				spread(nEmp, 4, 41000, 1750), spread(nEmp, 9, 23, 2)),
		}).index(),
		(&table{name: "book", one: "book", many: "books", labels: "titles",
			cols: []column{
				{"Book_ID", "INTEGER", id, "id"},
				{"Title", "VARCHAR", label, "title"},
				{"Author", "VARCHAR", cat, "author"},
				{"Genre", "VARCHAR", cat, "genre"},
				{"Year", "INTEGER", num, "publication year"},
				{"Pages", "INTEGER", num, "number of pages"},
			},
			rows: rowsOf(nBook, seq,
				names("Silent Harbor", "The Glass Orchard", "Northern Lights", "A Map of Salt", "Iron Rain",
					"The Last Cartographer", "Paper Moons", "River of Clocks", "The Quiet Engine", "Seven Bridges",
					"Winter Garden", "The Copper Key", "Blue Desert", "Small Gods of Lisbon", "The Long Tide",
					"Echoes in Amber", "Tin Soldiers", "The Hollow Crown"),
				pickEvery(2, "Ana Reyes", "Tom Becker", "Lena Fox", "Omar Said", "June Park", "Piet Vos"),
				pick("Mystery", "Fantasy", "History", "Romance"),
				spread(nBook, 3, 1961, 3), spread(nBook, 8, 180, 23)),
		}).index(),
		(&table{name: "station", one: "station", many: "stations", labels: "names",
			cols: []column{
				{"Station_ID", "INTEGER", id, "id"},
				{"Name", "VARCHAR", label, "name"},
				{"Location", "VARCHAR", cat, "location"},
				{"Operator", "VARCHAR", cat, "operator"},
				{"Annual_entry_exit", "REAL", num, "annual entry and exit"},
				{"Number_of_Platforms", "INTEGER", num, "number of platforms"},
			},
			rows: rowsOf(nStat, seq,
				names("Waterloo", "Victoria", "Liverpool Street", "London Bridge", "Euston", "Paddington",
					"Kings Cross", "St Pancras", "Glasgow Central", "Leeds", "Birmingham New Street",
					"Manchester Piccadilly", "Edinburgh Waverley", "Bristol Temple Meads", "York"),
				pickEvery(5, "London", "Scotland", "North", "Midlands"),
				pick("Network Rail", "Northern", "ScotRail"),
				func(r int) any { return float64(spread(nStat, 2, 200, 37)(r).(int)) / 10 },
				spread(nStat, 7, 4, 1)),
		}).index(),
		(&table{name: "player", one: "player", many: "players", labels: "names",
			cols: []column{
				{"Player_ID", "INTEGER", id, "id"},
				{"Name", "VARCHAR", label, "name"},
				{"Team", "VARCHAR", cat, "team"},
				{"Position", "VARCHAR", cat, "position"},
				{"Goals", "INTEGER", num, "goals"},
				{"Age", "INTEGER", num, "age"},
			},
			rows: rowsOf(nPlay, seq,
				names("Alex Moreau", "Bruno Silva", "Carl Jensen", "Diego Rossi", "Emil Novak", "Felix Braun",
					"Gus Larsen", "Hamza Aziz", "Ivan Horvat", "Jamal Reed", "Kofi Mensah", "Luca Bianchi",
					"Marco Neri", "Nils Ek", "Oscar Lund", "Pedro Alves", "Rafael Cruz", "Sven Holm",
					"Theo Martin", "Umar Bello"),
				pickEvery(4, "Rovers", "United", "City", "Athletic", "Wanderers"),
				pick("Forward", "Midfielder", "Defender", "Goalkeeper"),
				spread(nPlay, 1, 0, 2), spread(nPlay, 6, 18, 1)),
		}).index(),
		(&table{name: "product", one: "product", many: "products", labels: "product names",
			cols: []column{
				{"Product_ID", "INTEGER", id, "id"},
				{"Product_name", "VARCHAR", label, "product name"},
				{"Category", "VARCHAR", cat, "category"},
				{"Supplier", "VARCHAR", cat, "supplier"},
				{"Price", "REAL", num, "price"},
				{"Stock", "INTEGER", num, "stock"},
			},
			rows: rowsOf(nProd, seq,
				names("Desk Lamp", "Office Chair", "Notebook", "Stapler", "Monitor", "Keyboard", "Mouse Pad",
					"Whiteboard", "Bookshelf", "Printer", "Headset", "Webcam", "Paper Tray", "Cable Box",
					"Standing Desk", "Pen Set", "Filing Cabinet"),
				pick("Furniture", "Stationery", "Electronics"),
				pickEvery(3, "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay"),
				func(r int) any { return float64(spread(nProd, 0, 250, 449)(r).(int)) / 100 },
				spread(nProd, 5, 5, 9)),
		}).index(),
		(&table{name: "flight", one: "flight", many: "flights", labels: "flight numbers",
			cols: []column{
				{"Flight_ID", "INTEGER", id, "id"},
				{"Flight_number", "VARCHAR", label, "flight number"},
				{"Origin", "VARCHAR", cat, "origin"},
				{"Destination", "VARCHAR", cat, "destination"},
				{"Distance", "INTEGER", num, "distance"},
				{"Price", "INTEGER", num, "price"},
			},
			rows: rowsOf(nFlght, seq,
				func(r int) any { return fmt.Sprintf("GL%03d", 101+r*17) },
				pickEvery(4, "Dublin", "Madrid", "Oslo", "Rome"),
				pick("Paris", "Vienna", "Athens", "Zurich", "Prague"),
				spread(nFlght, 10, 600, 85), spread(nFlght, 4, 59, 11)),
		}).index(),
	}
}
