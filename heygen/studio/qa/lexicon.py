"""Word tables the checker reads: English number words, months in seven languages, contractions,
currencies, common English words (never taken for names) and web domain endings. Data only."""

from __future__ import annotations

UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
         "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90,
        # decades: "the nineteen nineties" is the 1990s
        "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70,
        "eighties": 80, "nineties": 90}
HALF = {"half": 2, "halves": 2}  # a number on its own or after a number ("one half", "three halves")
PARTS = {"quarter": 4, "quarters": 4, "thirds": 3, "fourths": 4, "fifths": 5, "tenths": 10}  # after a number only
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# "second" is left out: it is far more often a unit of time; dates read it where a month stands next to it.
ORDINALS = {
    "first": 1, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
    "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
    "hundredth": 100, "thousandth": 1000, "millionth": 10**6,
}
SECOND = "second"
ZERO_INSIDE = {"oh", "o"}  # read as 0 only inside a run of number words ("twelve oh five")

# Months by folded name (no accents, lower case), in English, French, German, Spanish, Italian,
# Portuguese and Dutch; English abbreviations too.
MONTHS: dict[str, int] = {}
for _number, _names in enumerate([
    "january jan janvier januar enero gennaio janeiro januari",
    "february feb fevrier februar febrero febbraio fevereiro februari",
    "march mar mars marz marzo marco maart",
    "april apr avril abril aprile",
    "may mai mayo maggio maio mei",
    "june jun juin juni junio giugno junho",
    "july jul juillet juli julio luglio julho",
    "august aug aout agosto augustus",
    "september sep sept septembre settembre septiembre setembro",
    "october oct octobre oktober octubre ottobre outubro",
    "november nov novembre noviembre novembro",
    "december dec decembre dezember diciembre dicembre dezembro",
], start=1):
    for _name in _names.split():
        MONTHS[_name] = _number
# Months that are also everyday words: taken as months only when written with a capital.
MONTHS_NEED_CAPITAL = {"may", "march", "mar", "jan", "sep", "dec", "oct", "aug"}
DATE_LINKS = {"of", "de", "del", "di", "van"}  # "the 14th of March", "14 de marzo"

WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₦": "NGN"}
CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "buck": "USD", "bucks": "USD", "usd": "USD", "dolares": "USD",
    "euro": "EUR", "euros": "EUR", "eur": "EUR",
    "pound": "GBP", "pounds": "GBP", "quid": "GBP", "gbp": "GBP", "sterling": "GBP",
    "yen": "JPY", "jpy": "JPY", "rupee": "INR", "rupees": "INR", "inr": "INR",
    "naira": "NGN",
}
CENT_WORDS = {"cent", "cents", "pence", "penny"}
PERCENT_WORDS = {"percent", "pct", "prozent", "pourcent", "porcentaje", "procent"}
SCALE_SUFFIXES = {"k": 1000, "m": 10**6, "bn": 10**9}

# Contractions, after the apostrophe: the word it stands for.
SUFFIXES = {"re": "are", "ve": "have", "ll": "will", "m": "am", "d": "would"}
IS_AFTER = {"it", "that", "what", "there", "here", "he", "she", "who", "where", "how", "when", "why", "this",
            "everything", "nothing", "something", "everyone", "someone", "today"}
NOT_IRREGULAR = {"won": "will", "can": "can", "shan": "shall", "ain": "is"}
SPELLED = {"cannot": ("can", "not"), "gonna": ("going", "to"), "wanna": ("want", "to")}
SYMBOL_WORDS = {"&": "and", "+": "plus", "@": "at"}
# Abbreviations read out in full by a voice ("Dr." is said "doctor").
SAID_IN_FULL = {"mr": "mister", "mrs": "missus", "dr": "doctor", "prof": "professor", "vs": "versus",
                "approx": "approximately", "dept": "department", "mt": "mount", "ft": "feet", "sr": "senior",
                "jr": "junior"}
# Units written after digits ("5km", "2x", "16GB"): the number is compared, the unit is not.
UNIT_SUFFIXES = ("km", "kg", "cm", "mm", "mg", "ml", "gb", "mb", "tb", "kb", "mph", "kph", "hrs", "hr", "h", "mins",
                 "min", "ft", "lbs", "lb", "oz", "x", "g", "l")

# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "inc", "ltd", "jr", "sr", "approx",
                 "dept", "mt", "ft", "corp", "sra", "sr", "hr"}

# Web addresses said aloud ("heygen dot com slash pricing").
SPOKEN_LINK = {"dot": ".", "slash": "/", "dash": "-", "hyphen": "-", "underscore": "_"}
# Words before "at heygen dot com" that make it a web address, not an e-mail ("sign up at …").
NOT_EMAIL_LOCAL = set("""up us me him her them you it this that is are was were be been online here there now today
tomorrow site website page more out in on visit go going over back by free everyone home shop store stores buy
anytime available live find found see information details signup register apply book join listen watch read
started look looking meet located based stop tickets demo download learn everything anything all one and or but
so then only just even also still""".split())
# Mailbox names said before "at <domain>" that are also everyday words.
MAILBOXES = set("""hello hi info sales support team contact admin hr jobs careers press billing help office mail
enquiries inquiries service hey news marketing partners events orders accounts""".split())
TLDS = set("""com org net io co ai app dev edu gov info biz me tv us uk de fr es it nl be ch at se no dk fi pl
pt ie ca au nz in jp cn kr br mx ar za ng ke gh eg ae sa sg hk tw vn th id my ph ru ua tr gr cz sk hu ro bg
eu xyz online site store shop tech cloud studio media news blog live life world global agency digital email
link page pro club team space solutions academy health finance""".split())

# Brackets that hold stage directions or sound notes, not a placeholder.
ANNOTATIONS = {"music", "applause", "laughter", "laughs", "silence", "inaudible", "noise", "sound", "cheering",
               "pause", "sighs", "crosstalk", "foreign", "blank_audio", "blank audio", "upbeat music", "no audio",
               "intro", "outro", "beat", "smiles", "laughing", "background music", "speaking foreign language"}
# Words that make a bracketed phrase a placeholder even in lower case ("[first name]", "<company>").
PLACEHOLDER_WORDS = {"name", "firstname", "lastname", "surname", "company", "city", "country", "email", "phone",
                     "date", "title", "product", "address", "insert", "your", "customer", "client", "recipient",
                     "organisation", "organization", "role", "job", "team", "amount", "price", "discount", "code",
                     "link", "url", "number", "value", "placeholder", "contact", "brand", "event", "day", "time"}
MARKUP_TAGS = {"break", "speak", "prosody", "emphasis", "say-as", "sub", "phoneme", "p", "s", "b", "i", "u", "em",
               "strong", "br", "voice", "audio", "mark", "lang", "span", "div"}

# Capitalised words that are titles, terms or languages rather than names.
NOT_NAMES = set("""ceo cfo cto coo cmo cpo vp svp evp hr ai ml faq faqs roi kpi kpis api apis ux ui saas b2b b2c pr it qa
seo crm erp usa uk eu us uae nyc pdf csv url urls sms dm dms ok okay q1 q2 q3 q4 english spanish french german
portuguese italian japanese chinese mandarin cantonese korean hindi arabic dutch russian polish turkish swedish
norwegian danish finnish greek hebrew vietnamese thai indonesian head director manager lead chief officer president
founder cofounder partner team center centre""".split())
ROMAN = set("ii iii iv vi vii viii ix xi xii".split())

# Common English words: a capitalised one at the start of a sentence is not taken for a name.
COMMON_WORDS = set("""
a about above across after again against all almost along already also although always am among an and another
any anyone anything are around as ask at away back be because been before behind being below best better between
both but by can could did do does doing done down during each either else enough even ever every everyone
everything few find first for from further get gets getting give given go goes going good got great had has have
having he her here hers herself him himself his how however i if in instead into is it its itself just keep last
least less let like little lot lots made make makes making many may maybe me might mine more most much must my
myself near need needs never new next no none nor not nothing now of off often on once one only onto or other
others our ours ourselves out over own part per perhaps please plus quite rather really right said same say says
see seem several shall she should show since so some someone something soon still such sure take than thank thanks
that the their theirs them themselves then there these they thing things this those though through thus till to
today together tomorrow too toward towards under unless until up upon us use used using very via want wants was
we well were what whatever when whenever where whether which while who whoever whole whom whose why will with
within without would yes yet you your yours yourself yourselves
hello hi hey dear welcome good morning afternoon evening goodbye bye cheers congratulations congrats
create write explain introduce tell show describe announce invite include mention add start end begin finish
highlight focus talk present share remind ask answer offer join learn discover meet visit call email contact
book register sign try check see watch read listen follow subscribe click visit download install buy order save
get grab claim enjoy imagine picture think remember note keep stay let lets use make build design plan run host
hosted hosting produce record prepare give send bring provide deliver support help thank thanks celebrate
video videos script clip scene scenes slide slides intro outro presenter avatar voice narrator speaker audience
friendly short long brief quick simple clear warm upbeat professional casual formal fun energetic calm
minute minutes second seconds hour hours day days week weeks month months year years time times today tonight
yesterday tomorrow morning noon evening night weekend
our your their my his her its
note important reminder update news announcement invitation offer deal sale discount free new special limited
exclusive final last next first second third
everyone everybody anyone nobody somebody team customers customer clients client users user people guys folks
""".split())
