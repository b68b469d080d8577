package ftm

// PropType is the FtM type of a property: it decides how values are
// validated, normalised and compared.
type PropType string

// The FtM property types. A property declared without a type is a string.
const (
	TypeName       PropType = "name"
	TypeString     PropType = "string"
	TypeText       PropType = "text"
	TypeDate       PropType = "date"
	TypeCountry    PropType = "country"
	TypeIdentifier PropType = "identifier"
	TypeEntity     PropType = "entity"
	TypeURL        PropType = "url"
	TypeEmail      PropType = "email"
	TypePhone      PropType = "phone"
	TypeAddress    PropType = "address"
	TypeNumber     PropType = "number"
	TypeGender     PropType = "gender"
	TypeTopic      PropType = "topic"
	TypeLanguage   PropType = "language"
	TypeMimetype   PropType = "mimetype"
	TypeChecksum   PropType = "checksum"
	TypeIP         PropType = "ip"
	TypeIBAN       PropType = "iban"
	TypeJSON       PropType = "json"
	TypeHTML       PropType = "html"
)

// PropTypes lists every property type, in a fixed order.
func PropTypes() []PropType {
	return []PropType{
		TypeName, TypeString, TypeText, TypeDate, TypeCountry, TypeIdentifier,
		TypeEntity, TypeURL, TypeEmail, TypePhone, TypeAddress, TypeNumber,
		TypeGender, TypeTopic, TypeLanguage, TypeMimetype, TypeChecksum, TypeIP,
		TypeIBAN, TypeJSON, TypeHTML,
	}
}
