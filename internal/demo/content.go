package demo

import "github.com/turnout-org/turnout/internal/turnout"

// groups is the demo content. Every word is written for Turnout; the places are
// real so that maps and time zones can be checked, the groups are invented.
var groups = []group{
	{
		slug: "stations-of-sanctuary", name: "Stations of Sanctuary", tz: "Europe/London",
		description: "A network of commuters, rail workers and neighbours who stand with people crossing borders. " +
			"We meet where journeys start and end: at stations.",
		website: "https://stations-of-sanctuary.example.org", contact: "hello@stations-of-sanctuary.example.org",
		events: []event{
			{
				title: "Lie down for safe passage: die-in at Edinburgh Waverley", kind: turnout.KindDieIn, inDays: 9, start: "12:00", end: "13:30",
				summary: "Twenty minutes of silence on the concourse for everyone who died trying to reach safety, then a short rally outside.",
				description: "We will gather by the departure boards at **noon** and lie down together for twenty minutes.\n\n" +
					"- Bring a coat or a mat: the floor is cold.\n- Stewards will wear orange armbands; follow their lead if station staff ask us to move.\n" +
					"- If you cannot lie down, stand with a placard; every body counts.\n\nAfterwards we walk up to Waverley Bridge for speeches from people who made the crossing.",
				venue: "Edinburgh Waverley station, main concourse", address: "Waverley Bridge, Edinburgh EH1 1BB",
				accessibility: "Step-free access from Market Street. Seats available for anyone who cannot lie down. BSL interpreter at the rally.",
				lat:           55.952, lon: -3.1892,
				articles: []turnout.ArticleInput{
					{URL: "https://stations-of-sanctuary.example.org/why-we-lie-down", Title: "Why we lie down in stations", Source: "Stations of Sanctuary",
						Summary: "A die-in turns a busy concourse into a moment of mourning that nobody can walk past. Here is why we choose stations."},
					{URL: "https://borderwatch.example.net/reports/channel-crossings-2026", Title: "Counting the crossings: a year at the border", Source: "Borderwatch",
						Summary: "Volunteers who meet boats on the shore report on a year of arrivals, rescues and deaths."},
				},
			},
			{
				title: "Candlelight vigil for those lost at sea", kind: turnout.KindVigil, inDays: 16, start: "18:30", end: "19:30",
				summary: "We read the names we know, and light a candle for those we do not.",
				description: "A quiet gathering. We will have candles in jars and the list of names compiled by volunteers. " +
					"Children and dogs on leads are welcome.",
				venue: "The Meadows, north side", address: "Melville Drive, Edinburgh EH9 1LZ",
				accessibility: "Flat paved path; the nearest accessible toilets are at the Quartermile cafe.",
				articles: []turnout.ArticleInput{
					{URL: "https://stations-of-sanctuary.example.org/why-we-lie-down", Title: "Why we lie down in stations", Source: "Stations of Sanctuary",
						Summary: "A die-in turns a busy concourse into a moment of mourning that nobody can walk past. Here is why we choose stations."},
				},
			},
			{
				title: "Picket at the immigration reporting centre", kind: turnout.KindPicket, inDays: 4, start: "08:00", end: "10:00",
				summary: "A friendly presence for people who have to sign in each week.",
				venue:   "Festival Court reporting centre", address: "Brand Street, Glasgow G51 1DH",
				cancel: "Called off: the centre is closed that week for refurbishment. We will announce a new date soon.",
			},
		},
	},
	{
		slug: "together-against-racism", name: "Together Against Racism", tz: "Europe/London",
		description: "A coalition of tenants' associations, faith groups, unions and students organising against racism in all its forms.",
		website:     "https://together-against-racism.example.org",
		events: []event{
			{
				title: "National march: Refugees welcome, racists not", kind: turnout.KindMarch, inDays: 23, start: "12:00", end: "16:00",
				summary: "Coaches from twenty towns, one march through central London, one message.",
				description: "Assemble at **Portland Place** from noon. The march moves off at 13:00 and ends with a rally in Whitehall.\n\n" +
					"Bring banners, drums and friends. Legal observers will be present; write the legal support number on your arm.",
				venue: "Portland Place (assembly)", address: "Portland Place, London W1B 1NT",
				accessibility: "A slower accessible bloc leaves from the front of the march with rest stops; contact the organisers for a place in it.",
				lat:           51.5206, lon: -0.1454,
				articles: []turnout.ArticleInput{
					{URL: "https://together-against-racism.example.org/call-to-march", Title: "Our call to march", Source: "Together Against Racism",
						Summary: "Why a national demonstration, why now, and what we want the government to hear."},
					{URL: "https://newsroom.example.com/2026/11/anti-racist-turnout", Title: "Thousands expected as coalition widens", Source: "Newsroom",
						Summary: "Unions and mosques join tenants' groups in backing the march."},
				},
			},
			{
				title: "Public meeting: organising against the far right in our town", kind: turnout.KindMeeting, inDays: 2, start: "19:00", end: "21:00",
				summary:     "An open meeting to plan local action. Everyone welcome; places are limited by the room.",
				description: "Speakers from the local trades council and the mosque committee, then small groups to plan leafleting and the next street stall.",
				venue:       "Friends Meeting House, large room", address: "173 Euston Road, London NW1 2BJ",
				accessibility: "Step-free entrance on Euston Road; hearing loop in the room.",
				capacity:      40,
			},
		},
	},
	{
		slug: "migrant-workers-union", name: "Migrant Workers' Union, Branch 7", tz: "Europe/London",
		description: "Cleaners, couriers and care workers organising for recognition, sick pay and the right to stay.",
		events: []event{
			{
				title: "Rally for union recognition at the depot gates", kind: turnout.KindRally, inDays: 6, start: "06:30", end: "08:00",
				summary:     "Early start, hot tea, loud support: stand with the night shift as they go off duty.",
				description: "The company has refused to recognise the branch for eleven months. We will meet the night shift at the gates as it finishes.",
				venue:       "Parcel depot, main gate", address: "Rainham Road South, Dagenham RM10 8SR",
				articles: []turnout.ArticleInput{
					{URL: "https://migrant-workers-union.example.org/recognition-now", Title: "Recognition now: our demands", Source: "Migrant Workers' Union",
						Summary: "Sick pay from day one, an end to fake self-employment, and a seat at the table."},
				},
			},
		},
	},
	{
		slug: "aotearoa-climate-justice", name: "Aotearoa Climate Justice", tz: "Pacific/Auckland",
		description: "Rangatahi and elders together for a just transition.",
		events: []event{
			{
				title: "Climate justice rally at Parliament grounds", kind: turnout.KindRally, inDays: 12, start: "11:00", end: "13:00",
				summary: "Bring your placards and your whanau.",
				venue:   "Parliament grounds", address: "Molesworth Street, Wellington 6011",
				lat: -41.2784, lon: 174.7767,
			},
		},
	},
}
