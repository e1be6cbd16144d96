package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// proseWords are common English words, most frequent first; prose draws them with Zipf's law.
var proseWords = strings.Fields(`the of and to a in is it you that he was for on are with as I his they be at
one have this from or had by not word but what some we can out other were all there when up use your how said
an each she which do their time if will way about many then them write would like so these her long make thing
see him two has look more day could go come did number sound no most people my over know water than call first
who may down side been now find any new work part take get place made live where after back little only round
man year came show every good me give our under name very through just form sentence great think say help low
line differ turn cause much mean before move right boy old too same tell does set three want air well also play
small end put home read hand port large spell add even land here must big high such follow act why ask men
change went light kind off need house picture try us again animal point mother world near build self earth
father head stand own page should country found answer school grow study still learn plant cover food sun four
between state keep eye never last let thought city tree cross farm hard start might story saw far sea draw left
late run while press close night real life few north open seem together next white children begin got walk
example ease paper group always music those both mark often letter until mile river car feet care second book
carry took science eat room friend began idea fish mountain stop once base hear horse cut sure watch color face
wood main enough plain girl usual young ready above ever red list though feel talk bird soon body dog family
direct pose leave song measure door product black short numeral class wind question happen complete ship area
half rock order fire south problem piece told knew pass since top whole king space heard best hour better true
during hundred five remember step early hold west ground interest reach fast verb sing listen six table travel
less morning ten simple several vowel toward war lay against pattern slow center love person money serve appear
road map rain rule govern pull cold notice voice unit power town fine certain fly fall lead cry dark machine
note wait plan figure star box noun field rest correct able pound done beauty drive stood contain front teach
week final gave green oh quick develop ocean warm free minute strong special mind behind clear tail produce fact
street inch multiply nothing course stay wheel full force blue object decide surface deep moon island foot
system busy test record boat common gold possible plane stead dry wonder laugh thousand ago ran check game shape
equate hot miss brought heat snow tire bring yes distant fill east paint language among`)

var proseNames = strings.Fields(`Alice Bob London Paris Tuesday September Jeremy Howard Ada Lovelace Turing
Einstein Amazon Nile Everest Shakespeare Hamlet Google OpenAI Tokyo Sydney`)

var proseContractions = strings.Fields(`don't it's I'm we're they've she'll he'd can't wasn't you're that's
isn't let's`)

// prose returns about size bytes of made-up English prose, the same for every seed on every machine:
// paragraphs of sentences of common words, with names, numbers, contractions, quotes and punctuation.
func prose(size int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 0x70726f7365))
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(proseWords)-1))
	var sb strings.Builder
	for sb.Len() < size {
		for k := range 2 + r.IntN(6) { // sentences in the paragraph
			if k > 0 {
				sb.WriteByte(' ')
			}
			n := 5 + r.IntN(20)
			quoted := r.IntN(10) == 0
			if quoted {
				sb.WriteByte('"')
			}
			for i := range n {
				var w string
				switch k := r.IntN(40); {
				case k == 0:
					w = proseNames[r.IntN(len(proseNames))]
				case k == 1:
					w = strconv.Itoa(r.IntN(2100))
				case k == 2:
					w = proseContractions[r.IntN(len(proseContractions))]
				default:
					w = proseWords[zipf.Uint64()]
				}
				if i == 0 {
					w = strings.ToUpper(w[:1]) + w[1:]
				} else {
					sb.WriteByte(' ')
				}
				sb.WriteString(w)
				if i < n-1 && r.IntN(9) == 0 {
					sb.WriteString([]string{",", ",", ",", ";", " -", ":"}[r.IntN(6)])
				}
			}
			sb.WriteString([]string{".", ".", ".", ".", "?", "!"}[r.IntN(6)])
			if quoted {
				sb.WriteByte('"')
			}
		}
		sb.WriteString("\n\n")
	}
	return sb.String()
}
