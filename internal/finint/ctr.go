package finint

import (
	"encoding/xml"
	"fmt"
	"time"
)

// CTRDraft is a Currency Transaction Report drafted from a CTR alert: one
// person's cash in (or out) on one business day, aggregated across accounts
// and branches as 31 CFR 1010.313 requires.
type CTRDraft struct {
	Alert      string      `json:"alert"`
	Filer      Institution `json:"filer"`
	Person     string      `json:"person,omitempty"` // name of the person; unknown when empty
	CashIn     bool        `json:"cash_in"`          // deposits; false for withdrawals
	Accounts   []string    `json:"accounts"`
	Amounts    []Amount    `json:"amounts"` // each transaction
	Total      Amount      `json:"total"`
	Day        time.Time   `json:"day"`
	FilingDate time.Time   `json:"filing_date"`
}

// DraftCTR drafts a CTR from a ctr alert; person names whoever conducted
// the cash transactions when known.
func DraftCTR(a Alert, filer Institution, person string, now time.Time) (CTRDraft, error) {
	if a.Typology != CTR {
		return CTRDraft{}, fmt.Errorf("alert %s: a %s alert is not a CTR", a.ID, a.Typology)
	}
	d := CTRDraft{Alert: a.ID, Filer: filer, Person: person, CashIn: true, Accounts: a.Accounts, Total: a.Total, Day: a.Start, FilingDate: now}
	for _, e := range a.Edges {
		d.Amounts = append(d.Amounts, e.Amount)
		if e.Type == CashWithdrawal {
			d.CashIn = false
		}
	}
	return d, nil
}

type xCTRParty struct {
	XMLName          xml.Name      `xml:"Party"`
	Seq              int64         `xml:"SeqNum,attr"`
	Code             string        `xml:"ActivityPartyTypeCode"`
	CashIn           string        `xml:"IndividualEntityCashInAmountText,omitempty"`
	CashOut          string        `xml:"IndividualEntityCashOutAmountText,omitempty"`
	PrimaryRegulator string        `xml:"PrimaryRegulatorTypeCode,omitempty"`
	Names            []xName       `xml:"PartyName"`
	Address          *xAddr        `xml:"Address,omitempty"`
	Phone            *xPhone       `xml:"PhoneNumber,omitempty"`
	IDs              []xID         `xml:"PartyIdentification"`
	OrgClass         *xOrg         `xml:"OrganizationClassificationTypeSubtype,omitempty"`
	Accounts         []xCTRAccount `xml:"Account"`
}

type xCTRAccount struct {
	Seq    int64  `xml:"SeqNum,attr"`
	Number string `xml:"AccountNumberText"`
	Assoc  struct {
		Seq  int64  `xml:"SeqNum,attr"`
		Code string `xml:"PartyAccountAssociationTypeCode"`
	} `xml:"PartyAccountAssociation"`
}

type xCTRDetail struct {
	Seq     int64  `xml:"SeqNum,attr"`
	Code    string `xml:"CurrencyTransactionActivityDetailTypeCode"`
	Amount  string `xml:"DetailTransactionAmountText"`
	Other   string `xml:"OtherCurrencyTransactionActivityDetailText"`
	Country string `xml:"OtherForeignCurrencyCountryText"`
}

type xCTRActivity struct {
	XMLName    xml.Name `xml:"Activity"`
	Seq        int64    `xml:"SeqNum,attr"`
	FilingDate string   `xml:"FilingDateText"`
	Assoc      struct {
		Seq      int64  `xml:"SeqNum,attr"`
		Corrects string `xml:"CorrectsAmendsPriorReportIndicator"`
		BackFile string `xml:"FinCENDirectBackFileIndicator"`
		Initial  string `xml:"InitialReportIndicator"`
	} `xml:"ActivityAssociation"`
	Parties []xCTRParty `xml:"Party"`
	Cash    struct {
		Seq       int64        `xml:"SeqNum,attr"`
		Aggregate string       `xml:"AggregateTransactionIndicator"`
		Armored   string       `xml:"ArmoredCarServiceIndicator"`
		ATM       string       `xml:"ATMIndicator"`
		Mail      string       `xml:"MailDepositShipmentIndicator"`
		Night     string       `xml:"NightDepositIndicator"`
		Shared    string       `xml:"SharedBranchingIndicator"`
		TotalIn   string       `xml:"TotalCashInReceiveAmountText"`
		TotalOut  string       `xml:"TotalCashOutAmountText"`
		Date      string       `xml:"TransactionDateText"`
		Details   []xCTRDetail `xml:"CurrencyTransactionActivityDetail"`
	} `xml:"CurrencyTransactionActivity"`
}

type xCTRBatch struct {
	XMLName       xml.Name     `xml:"EFilingBatchXML"`
	NS            string       `xml:"xmlns,attr"`
	TotalAmount   string       `xml:"TotalAmount,attr"`
	PartyCount    int          `xml:"PartyCount,attr"`
	ActivityCount int          `xml:"ActivityCount,attr"`
	FormTypeCode  string       `xml:"FormTypeCode"`
	Activity      xCTRActivity `xml:"Activity"`
}

// XML writes the draft as a FinCEN CTRX batch of one activity: transmitter
// (35), its contact (37), the filing institution (30), contact for
// assistance (8), the transaction location (34) and the person conducting
// the transactions (50) with the accounts affected.
func (d CTRDraft) XML() ([]byte, error) {
	if err := d.Filer.validate(); err != nil {
		return nil, err
	}
	if len(d.Amounts) == 0 {
		return nil, fmt.Errorf("ctr: no transactions")
	}
	f := d.Filer
	sq := &seq{}
	b := xCTRBatch{NS: fincenNS, FormTypeCode: "CTRX", ActivityCount: 1, TotalAmount: whole(d.Total)}
	act := &b.Activity
	act.Seq = sq.next()
	act.FilingDate = yyyymmdd(d.FilingDate)
	act.Assoc.Seq, act.Assoc.Initial = sq.next(), "Y"
	name := func(n string) []xName { return []xName{{Seq: sq.next(), Code: "L", FullName: clip(n, 150)}} }
	addr := func() *xAddr { a := f.address(sq); return &a }
	phone := func() *xPhone { return &xPhone{Seq: sq.next(), Number: clip(digits(f.Phone), 16)} }
	ein := func(code string) []xID { return []xID{{Seq: sq.next(), Number: clip(digits(f.EIN), 25), Code: code}} }
	tx := xCTRParty{Seq: sq.next(), Code: "35", Names: name(f.Name), Address: addr(), Phone: phone(), IDs: ein("4")}
	if f.TCC != "" {
		tx.IDs = append(tx.IDs, xID{Seq: sq.next(), Number: clip(f.TCC, 25), Code: "28"})
	}
	act.Parties = append(act.Parties, tx,
		xCTRParty{Seq: sq.next(), Code: "37", Names: name(f.Contact)},
		xCTRParty{Seq: sq.next(), Code: "30", PrimaryRegulator: f.regulator(), Names: name(f.Name), Address: addr(), IDs: ein("2")},
		xCTRParty{Seq: sq.next(), Code: "8", Names: name(f.Contact), Phone: phone()},
		xCTRParty{Seq: sq.next(), Code: "34", PrimaryRegulator: f.regulator(), Names: name(f.Name), Address: addr(), IDs: ein("2"),
			OrgClass: &xOrg{Seq: sq.next(), TypeID: 2}},
	)
	person := xCTRParty{Seq: sq.next(), Code: "50"}
	assoc := "8"
	if d.CashIn {
		person.CashIn = whole(d.Total)
	} else {
		person.CashOut = whole(d.Total)
		assoc = "9"
	}
	if d.Person == "" {
		person.Names = []xName{{Seq: sq.next(), LastNameUnknown: "Y", FirstNameUnknown: "Y", Code: "L"}}
	} else {
		person.Names = []xName{{Seq: sq.next(), Code: "L", LastName: clip(d.Person, 150)}}
	}
	person.IDs = []xID{{Seq: sq.next(), TINUnknown: "Y"}}
	for _, acc := range d.Accounts {
		a := xCTRAccount{Seq: sq.next(), Number: clip(acc, 40)}
		a.Assoc.Seq, a.Assoc.Code = sq.next(), assoc
		person.Accounts = append(person.Accounts, a)
	}
	act.Parties = append(act.Parties, person)
	c := &act.Cash
	c.Seq = sq.next()
	if len(d.Amounts) > 1 {
		c.Aggregate = "Y"
	}
	c.Date = yyyymmdd(d.Day)
	code := "55" // deposit(s)
	if d.CashIn {
		c.TotalIn = whole(d.Total)
	} else {
		c.TotalOut = whole(d.Total)
		code = "56" // withdrawal(s)
	}
	c.Details = []xCTRDetail{{Seq: sq.next(), Code: code, Amount: whole(d.Total)}}
	b.PartyCount = len(act.Parties)
	return marshalBatch(b)
}
