package graph

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ExportFormats lists the formats Export writes.
var ExportFormats = []string{"graphml", "gexf", "cytoscape", "csv", "csv-nodes"}

// ExportContentType returns the media type of an export format.
func ExportContentType(format string) string {
	switch format {
	case "graphml", "gexf":
		return "application/xml"
	case "cytoscape":
		return "application/json"
	}
	return "text/csv"
}

// Export writes the network in format: GraphML, GEXF (Gephi), Cytoscape.js
// JSON, a CSV of links ("csv", one row per link with both ends' names and
// schemata) or a CSV of nodes ("csv-nodes"). Every node keeps its id,
// caption, schema, topics and datasets; every link its kind, type,
// direction, label, period and datasets.
func (nw *Network) Export(w io.Writer, format string) error {
	switch format {
	case "graphml":
		return nw.writeGraphML(w)
	case "gexf":
		return nw.writeGEXF(w)
	case "cytoscape":
		return nw.writeCytoscape(w)
	case "csv":
		return nw.writeLinksCSV(w)
	case "csv-nodes":
		return nw.writeNodesCSV(w)
	}
	return fmt.Errorf("export format %q: want one of %s", format, strings.Join(ExportFormats, ", "))
}

var nodeAttrs = []string{"label", "schema", "topics", "datasets"}
var linkAttrs = []string{"kind", "type", "label", "entity", "start", "end", "datasets"}

func (nw *Network) nodeValues(u int) []string {
	n := nw.Nodes[u]
	return []string{n.Caption, n.Schema, strings.Join(n.Topics, ";"), strings.Join(n.Datasets, ";")}
}

func (nw *Network) linkValues(i int) []string {
	li := nw.Info(int32(i))
	return []string{li.Kind, li.Type, li.Label, li.Entity, li.Start, li.End, strings.Join(li.Datasets, ";")}
}

// GraphMLDoc is the GraphML document shape Export writes (and tests read).
type GraphMLDoc struct {
	XMLName xml.Name     `xml:"graphml"`
	XMLNS   string       `xml:"xmlns,attr"`
	Keys    []GraphMLKey `xml:"key"`
	Graph   struct {
		EdgeDefault string        `xml:"edgedefault,attr"`
		Nodes       []GraphMLNode `xml:"node"`
		Edges       []GraphMLEdge `xml:"edge"`
	} `xml:"graph"`
}

// GraphMLKey declares one attribute.
type GraphMLKey struct {
	ID   string `xml:"id,attr"`
	For  string `xml:"for,attr"`
	Name string `xml:"attr.name,attr"`
	Type string `xml:"attr.type,attr"`
}

// GraphMLData is one attribute value.
type GraphMLData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// GraphMLNode is one node.
type GraphMLNode struct {
	ID   string        `xml:"id,attr"`
	Data []GraphMLData `xml:"data"`
}

// GraphMLEdge is one edge.
type GraphMLEdge struct {
	ID       string        `xml:"id,attr"`
	Source   string        `xml:"source,attr"`
	Target   string        `xml:"target,attr"`
	Directed bool          `xml:"directed,attr"`
	Data     []GraphMLData `xml:"data"`
}

func (nw *Network) writeGraphML(w io.Writer) error {
	var doc GraphMLDoc
	doc.XMLNS = "http://graphml.graphdrawing.org/xmlns"
	doc.Graph.EdgeDefault = "undirected"
	for i, a := range nodeAttrs {
		doc.Keys = append(doc.Keys, GraphMLKey{ID: "n" + strconv.Itoa(i), For: "node", Name: a, Type: "string"})
	}
	for i, a := range linkAttrs {
		doc.Keys = append(doc.Keys, GraphMLKey{ID: "e" + strconv.Itoa(i), For: "edge", Name: a, Type: "string"})
	}
	for u, n := range nw.Nodes {
		gn := GraphMLNode{ID: n.ID}
		for i, v := range nw.nodeValues(u) {
			if v != "" {
				gn.Data = append(gn.Data, GraphMLData{Key: "n" + strconv.Itoa(i), Value: v})
			}
		}
		doc.Graph.Nodes = append(doc.Graph.Nodes, gn)
	}
	for i, l := range nw.Links {
		ge := GraphMLEdge{ID: "l" + strconv.Itoa(i), Source: nw.Nodes[l.Source].ID, Target: nw.Nodes[l.Target].ID, Directed: l.Directed}
		for k, v := range nw.linkValues(i) {
			if v != "" {
				ge.Data = append(ge.Data, GraphMLData{Key: "e" + strconv.Itoa(k), Value: v})
			}
		}
		doc.Graph.Edges = append(doc.Graph.Edges, ge)
	}
	return writeXML(w, doc)
}

func writeXML(w io.Writer, doc any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// GEXFDoc is the GEXF 1.3 document shape Export writes (and tests read).
type GEXFDoc struct {
	XMLName xml.Name `xml:"gexf"`
	XMLNS   string   `xml:"xmlns,attr"`
	Version string   `xml:"version,attr"`
	Graph   struct {
		DefaultEdgeType string           `xml:"defaultedgetype,attr"`
		Mode            string           `xml:"mode,attr"`
		TimeFormat      string           `xml:"timeformat,attr,omitempty"`
		Attributes      []GEXFAttributes `xml:"attributes"`
		Nodes           []GEXFNode       `xml:"nodes>node"`
		Edges           []GEXFEdge       `xml:"edges>edge"`
	} `xml:"graph"`
}

// GEXFAttributes declares the attributes of nodes or edges.
type GEXFAttributes struct {
	Class string          `xml:"class,attr"`
	Attrs []GEXFAttribute `xml:"attribute"`
}

// GEXFAttribute declares one attribute.
type GEXFAttribute struct {
	ID    string `xml:"id,attr"`
	Title string `xml:"title,attr"`
	Type  string `xml:"type,attr"`
}

// GEXFValue is one attribute value.
type GEXFValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

// GEXFNode is one node.
type GEXFNode struct {
	ID     string      `xml:"id,attr"`
	Label  string      `xml:"label,attr"`
	Values []GEXFValue `xml:"attvalues>attvalue"`
}

// GEXFEdge is one edge; Start and End make it appear and vanish on Gephi's
// timeline.
type GEXFEdge struct {
	ID     string      `xml:"id,attr"`
	Source string      `xml:"source,attr"`
	Target string      `xml:"target,attr"`
	Type   string      `xml:"type,attr"`
	Label  string      `xml:"label,attr,omitempty"`
	Weight float64     `xml:"weight,attr"`
	Start  string      `xml:"start,attr,omitempty"`
	End    string      `xml:"end,attr,omitempty"`
	Values []GEXFValue `xml:"attvalues>attvalue"`
}

func (nw *Network) writeGEXF(w io.Writer) error {
	var doc GEXFDoc
	doc.XMLNS, doc.Version = "http://gexf.net/1.3", "1.3"
	doc.Graph.DefaultEdgeType, doc.Graph.Mode = "undirected", "static"
	for _, l := range nw.Links {
		if l.Dated {
			doc.Graph.Mode, doc.Graph.TimeFormat = "dynamic", "date"
			break
		}
	}
	na := GEXFAttributes{Class: "node"}
	for i, a := range nodeAttrs[1:] {
		na.Attrs = append(na.Attrs, GEXFAttribute{ID: "n" + strconv.Itoa(i), Title: a, Type: "string"})
	}
	ea := GEXFAttributes{Class: "edge"}
	for i, a := range linkAttrs {
		ea.Attrs = append(ea.Attrs, GEXFAttribute{ID: "e" + strconv.Itoa(i), Title: a, Type: "string"})
	}
	doc.Graph.Attributes = []GEXFAttributes{na, ea}
	for u, n := range nw.Nodes {
		gn := GEXFNode{ID: n.ID, Label: n.Caption}
		for i, v := range nw.nodeValues(u)[1:] {
			if v != "" {
				gn.Values = append(gn.Values, GEXFValue{For: "n" + strconv.Itoa(i), Value: v})
			}
		}
		doc.Graph.Nodes = append(doc.Graph.Nodes, gn)
	}
	for i, l := range nw.Links {
		li := nw.Info(int32(i))
		ge := GEXFEdge{ID: "l" + strconv.Itoa(i), Source: li.Source, Target: li.Target, Type: "undirected",
			Label: li.Label, Weight: 1, Start: li.Start, End: li.End}
		if l.Directed {
			ge.Type = "directed"
		}
		for k, v := range nw.linkValues(i) {
			if v != "" {
				ge.Values = append(ge.Values, GEXFValue{For: "e" + strconv.Itoa(k), Value: v})
			}
		}
		doc.Graph.Edges = append(doc.Graph.Edges, ge)
	}
	return writeXML(w, doc)
}

// CytoscapeDoc is the Cytoscape.js elements JSON Export writes.
type CytoscapeDoc struct {
	Elements struct {
		Nodes []CytoscapeElement `json:"nodes"`
		Edges []CytoscapeElement `json:"edges"`
	} `json:"elements"`
}

// CytoscapeElement is one node or edge; Data holds id (and source and
// target for an edge) and the attributes.
type CytoscapeElement struct {
	Data map[string]any `json:"data"`
}

func (nw *Network) writeCytoscape(w io.Writer) error {
	var doc CytoscapeDoc
	doc.Elements.Nodes = []CytoscapeElement{}
	doc.Elements.Edges = []CytoscapeElement{}
	for _, n := range nw.Nodes {
		d := map[string]any{"id": n.ID, "label": n.Caption, "schema": n.Schema}
		if len(n.Topics) > 0 {
			d["topics"] = n.Topics
		}
		if len(n.Datasets) > 0 {
			d["datasets"] = n.Datasets
		}
		doc.Elements.Nodes = append(doc.Elements.Nodes, CytoscapeElement{Data: d})
	}
	for i := range nw.Links {
		li := nw.Info(int32(i))
		d := map[string]any{"id": "l" + strconv.Itoa(i), "source": li.Source, "target": li.Target,
			"kind": li.Kind, "type": li.Type, "directed": li.Directed}
		for k, v := range map[string]string{"label": li.Label, "entity": li.Entity, "start": li.Start, "end": li.End} {
			if v != "" {
				d[k] = v
			}
		}
		if len(li.Datasets) > 0 {
			d["datasets"] = li.Datasets
		}
		doc.Elements.Edges = append(doc.Elements.Edges, CytoscapeElement{Data: d})
	}
	enc := json.NewEncoder(w)
	return enc.Encode(doc)
}

func (nw *Network) writeLinksCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"source", "source_label", "source_schema", "target", "target_label", "target_schema", "directed"}, linkAttrs...))
	for i, l := range nw.Links {
		s, t := nw.Nodes[l.Source], nw.Nodes[l.Target]
		cw.Write(append([]string{s.ID, s.Caption, s.Schema, t.ID, t.Caption, t.Schema, strconv.FormatBool(l.Directed)}, nw.linkValues(i)...))
	}
	cw.Flush()
	return cw.Error()
}

func (nw *Network) writeNodesCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"id"}, nodeAttrs...))
	for u, n := range nw.Nodes {
		cw.Write(append([]string{n.ID}, nw.nodeValues(u)...))
	}
	cw.Flush()
	return cw.Error()
}
