package cell

import (
	"go/ast"
	"go/token"
	"sort"
)

// Info is what a cell declares at top level and which packages it may refer to.
type Info struct {
	// Vars, Consts, Funcs and Types are the names declared at top level (a := at top level declares a
	// variable that lives on in the session).
	Vars, Consts, Funcs, Types []string
	// Methods maps a receiver type name to the names of the methods the cell declares on it.
	Methods map[string][]string
	// PkgRefs are identifiers the cell uses as X in X.Sel without declaring X: package names, or names
	// declared by earlier cells. Sorted, without duplicates.
	PkgRefs []string
	// Main is the declaration of func main, if the cell has one.
	Main *ast.FuncDecl
}

// Analyze collects the Info of a parsed cell.
func (c *Cell) Analyze() Info {
	info := Info{Methods: map[string][]string{}}
	refs := map[string]bool{}
	declared := map[string]bool{}
	for i := range c.Pieces {
		p := &c.Pieces[i]
		for _, d := range p.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil && len(d.Recv.List) > 0 {
					if name := ReceiverName(d.Recv.List[0].Type); name != "" {
						info.Methods[name] = append(info.Methods[name], d.Name.Name)
					}
					continue
				}
				info.Funcs = append(info.Funcs, d.Name.Name)
				declared[d.Name.Name] = true
				if d.Name.Name == "main" && d.Type.Params.NumFields() == 0 && d.Type.Results.NumFields() == 0 {
					info.Main = d
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						info.Types = append(info.Types, s.Name.Name)
						declared[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.Name == "_" {
								continue
							}
							declared[n.Name] = true
							if d.Tok == token.CONST {
								info.Consts = append(info.Consts, n.Name)
							} else {
								info.Vars = append(info.Vars, n.Name)
							}
						}
					}
				}
			}
		}
		for _, st := range p.Stmts {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok == token.DEFINE {
					for _, l := range st.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
							info.Vars = append(info.Vars, id.Name)
							declared[id.Name] = true
						}
					}
				}
			case *ast.DeclStmt:
				if g, ok := st.Decl.(*ast.GenDecl); ok {
					for _, spec := range g.Specs {
						switch s := spec.(type) {
						case *ast.ValueSpec:
							for _, n := range s.Names {
								if n.Name != "_" {
									declared[n.Name] = true
									if g.Tok == token.CONST {
										info.Consts = append(info.Consts, n.Name)
									} else {
										info.Vars = append(info.Vars, n.Name)
									}
								}
							}
						case *ast.TypeSpec:
							info.Types = append(info.Types, s.Name.Name)
							declared[s.Name.Name] = true
						}
					}
				}
			}
		}
		unresolved := map[*ast.Ident]bool{}
		for _, id := range p.Unresolved {
			unresolved[id] = true
		}
		inspect := func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && unresolved[id] {
					refs[id.Name] = true
				}
			}
			return true
		}
		for _, d := range p.Decls {
			ast.Inspect(d, inspect)
		}
		for _, s := range p.Stmts {
			ast.Inspect(s, inspect)
		}
	}
	for r := range refs {
		if !declared[r] {
			info.PkgRefs = append(info.PkgRefs, r)
		}
	}
	sort.Strings(info.PkgRefs)
	return info
}

// ReceiverName returns the type name of a method receiver: T, *T, T[K], *T[K].
func ReceiverName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// Imports returns the import specs of the cell's import pieces.
func (c *Cell) Imports() []*ast.ImportSpec {
	var specs []*ast.ImportSpec
	for _, p := range c.Pieces {
		if p.Kind != Import {
			continue
		}
		for _, d := range p.Decls {
			if g, ok := d.(*ast.GenDecl); ok {
				for _, s := range g.Specs {
					specs = append(specs, s.(*ast.ImportSpec))
				}
			}
		}
	}
	return specs
}
