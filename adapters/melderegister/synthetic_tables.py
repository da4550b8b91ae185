"""Name and street tables for the synthetic Darmstadt population (``synthetic.py``).

Genuine Darmstadt streets with their postal codes; given and family names by origin, with
the DIN 91379 letters real registers hold.
"""

# Turkish and Romanian names use letters such as the dotless i on purpose (DIN 91379).
# ruff: noqa: RUF001

from dataclasses import dataclass
from typing import Final


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _items(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split("|"))


def _weighted(text: str) -> tuple[str | None, ...]:
    """'ev:3 rk:1' -> ('ev', 'ev', 'ev', 'rk'); '?' stands for "not recorded" (None)."""
    pairs = (item.split(":") for item in text.split())
    return tuple(None if code == "?" else code for code, count in pairs for _ in range(int(count)))


# Genuine Darmstadt streets, each with one postal code (the district's; streets spanning
# several districts keep one of theirs).
_STREETS_BY_POSTAL_CODE = {
    "64283": "Rheinstraße|Luisenplatz|Wilhelminenstraße|Elisabethenstraße|Ernst-Ludwig-Straße|"
    "Schulstraße|Ludwigstraße|Marktplatz|Kirchstraße|Grafenstraße|Adelungstraße|Luisenstraße|"
    "Saalbaustraße|Holzstraße|Mathildenplatz|Friedensplatz|Alexanderstraße|Zeughausstraße|"
    "Landgraf-Georg-Straße|Karlstraße|Nieder-Ramstädter Straße|Neckarstraße|Hügelstraße|"
    "Kapellplatz|Heinrichstraße",
    "64285": "Heidelberger Straße|Ludwigshöhstraße|Bessunger Straße|Herdweg|Klappacher Straße|"
    "Orangerieallee|Moosbergstraße|Sandbergstraße|Weinbergstraße|Niederstraße|"
    "Forstmeisterstraße|Landskronstraße|Wittmannstraße",
    "64287": "Dieburger Straße|Erbacher Straße|Roßdörfer Straße|Alexandraweg|Olbrichweg|"
    "Pützerstraße|Mathildenhöhweg|Teichhausstraße",
    "64289": "Karolinenplatz|Hochschulstraße|Magdalenenstraße|Schlossgartenstraße|"
    "Pankratiusstraße|Liebfrauenstraße|Heinheimer Straße|Kranichsteiner Straße|"
    "Arheilger Straße|Rhönring|Riegerplatz|Alsfelder Straße|Grundstraße",
    "64291": "Frankfurter Landstraße|Messeler Straße|Rathausstraße|Weiterstädter Straße",
    "64293": "Frankfurter Straße|Pallaswiesenstraße|Kasinostraße|Liebigstraße|Kahlertstraße|"
    "Bismarckstraße|Landwehrstraße|Kirschenallee|Mornewegstraße|Dornheimer Weg",
    "64295": "Haardtring|Schöfferstraße|Berliner Allee|Hilpertstraße|Holzhofallee|"
    "Eschollbrücker Straße|Donnersbergring|Kleyerstraße",
    "64297": "Heidelberger Landstraße|Pfungstädter Straße|Mühltalstraße|Oberstraße|"
    "Frankensteiner Straße|Heinrich-Delp-Straße",
}
DARMSTADT_STREETS: Final = tuple(
    (street, code)
    for code, streets in _STREETS_BY_POSTAL_CODE.items()
    for street in _items(streets)
)
# Main residences elsewhere, for people whose Darmstadt home is a secondary residence.
OUTSIDE_MAIN_RESIDENCES: Final = (
    ("Zeil", "60313", "Frankfurt am Main"),
    ("Große Bleiche", "55116", "Mainz"),
    ("Hauptstraße", "69117", "Heidelberg"),
    ("Kirchgasse", "65183", "Wiesbaden"),
)
GERMAN_CITIES: Final = _items(
    "Frankfurt am Main|Offenbach am Main|Mainz|Wiesbaden|Gießen|Kassel|Fulda|Heidelberg|Mannheim|"
    "Groß-Gerau|Dieburg|Bensheim|Griesheim|Weiterstadt|Pfungstadt|Berlin|Hamburg|München|Köln|"
    "Dresden|Leipzig|Stuttgart|Hannover|Nürnberg"
)
ABROAD_CITIES = _items("Wien|Zürich|London|Paris|Amsterdam|New York|Barcelona|Kopenhagen")
EU_COUNTRIES: Final = frozenset({"IT", "PL", "GR", "HR", "RO", "FR", "ES", "DK"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Origin:
    """Where a household's names come from, with plausible religions and birth places."""

    country: str
    weight: float
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    places: tuple[str, ...]
    religions: tuple[str | None, ...]
    given_name_counts: tuple[int, int, int] = (70, 27, 3)  # weights for 1, 2, 3 given names

    @property
    def foreign(self) -> bool:
        return self.country != "DE"


def _origin(
    country: str,
    weight: float,
    religions: str,
    *,
    male: str,
    female: str,
    surnames: str,
    places: str,
) -> Origin:
    return Origin(
        country=country,
        weight=weight,
        male=_words(male),
        female=_words(female),
        surnames=_words(surnames),
        places=_items(places),
        religions=_weighted(religions),
    )


GERMAN_ORIGIN: Final = Origin(
    country="DE",
    weight=0.0,
    male=(),
    female=(),
    places=GERMAN_CITIES,
    religions=(),
    given_name_counts=(40, 48, 12),
    surnames=_words(
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
        "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann "
        "Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler "
        "Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn "
        "Schubert Vogel Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann "
        "Franke Albrecht Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt "
        "Stein Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas Schreiber Graf Dietrich Ziegler "
        "Kühn Engel Horn Busch Bergmann Pfeiffer Voigt Strauß Heß Bender Diehl Göbel Jöst Rühl "
        "Seibert Wörner Zöller Lautenschläger Dörr Kreß Emig Hechler"
    ),
)
COHORT_STARTS = (1960, 1990)  # German given names and religions: <1960, 1960-1989, 1990+
GERMAN_GIVEN = (
    (
        _words(
            "Hans Karl Günter Werner Helmut Manfred Dieter Horst Gerhard Wolfgang Klaus Heinz "
            "Jürgen Rolf Erich Walter Herbert Kurt Ernst Rüdiger Karl-Heinz Hans-Jürgen"
        ),
        _words(
            "Ursula Helga Gisela Ingrid Renate Erika Brigitte Hannelore Margot Christa Marianne "
            "Elfriede Gertrud Karin Inge Bärbel Irmgard Käthe Waltraud Lieselotte Hildegard"
        ),
    ),
    (
        _words(
            "Thomas Michael Andreas Stefan Frank Markus Matthias Christian Jörg Jan Sven Tobias "
            "Alexander Daniel Björn Sebastian Dirk Oliver Torsten Martin Florian Sören"
        ),
        _words(
            "Sabine Claudia Susanne Petra Andrea Nicole Stefanie Katrin Julia Anja Kerstin Maike "
            "Melanie Christina Sandra Tanja Birgit Jessica Nadine Katharina Simone Jördis"
        ),
    ),
    (
        _words(
            "Lukas Leon Jonas Finn Paul Felix Maximilian Ben Elias Noah Luis Tim Niklas Jannik "
            "Moritz Henri Emil Anton Theo Jakob Till Ole Jörn Malte"
        ),
        _words(
            "Anna Laura Lena Lea Hannah Emma Mia Sophie Marie Lina Clara Emilie Charlotte "
            "Johanna Leonie Amelie Greta Frieda Zoë Lotta Jule Paula Ida"
        ),
    ),
)
GERMAN_RELIGIONS = (  # per mille, by cohort
    _weighted("ev:470 rk:260 --:262 ak:2 jd:3 fs:3"),
    _weighted("ev:300 rk:210 --:480 ak:1 jd:3 fs:2 ?:4"),
    _weighted("ev:200 rk:150 --:635 jd:2 fs:1 ?:12"),
)
FOREIGN_ORIGINS: Final = (
    _origin(
        "TR",
        22,
        "--:1",
        male="Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Murat Ömer Emre Burak Gökhan",
        female="Ayşe Fatma Emine Hatice Zeynep Elif Özlem Gül Tuğba Merve Büşra Şeyma Çiğdem",
        surnames=(
            "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan "
            "Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Güneş Korkmaz"
        ),
        places="İstanbul|Ankara|İzmir|Konya|Kayseri|Trabzon|Adana|Gaziantep",
    ),
    _origin(
        "PL",
        10,
        "rk:17 --:3",
        male="Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Łukasz Jakub Wojciech",
        female="Anna Katarzyna Małgorzata Agnieszka Barbara Ewa Magdalena Zofia Żaneta Bożena",
        surnames=(
            "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
            "Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Król Jabłoński"
        ),
        places="Warszawa|Kraków|Wrocław|Łódź|Gdańsk|Poznań|Szczecin|Katowice",
    ),
    _origin(
        "IT",
        9,
        "rk:17 --:3",
        male="Giuseppe Giovanni Antonio Mario Francesco Luigi Marco Andrea Luca Niccolò",
        female="Maria Anna Giuseppina Rosa Francesca Giulia Chiara Sara Martina Lucia",
        surnames=(
            "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco "
            "Bruno Gallo Conti Costa Giordano Mancini Rizzo Lombardi Moretti Cannavò"
        ),
        places="Napoli|Palermo|Bari|Catania|Roma|Milano|Torino|Cosenza",
    ),
    _origin(
        "SY",
        9,
        "--:1",
        male="Mohammad Ahmad Omar Khaled Mahmoud Yousef Rami Bashar Hassan Ali Samer",
        female="Fatima Aya Nour Rasha Yara Hiba Layla Rania Lina Reem Sara Amal",
        surnames=(
            "Al-Hassan Haddad Khalil Mansour Nasser Youssef Al-Ahmad Hamoud Saleh "
            "Darwish Kassem Al-Ali Ibrahim Othman Sulaiman Hamdan"
        ),
        places="Aleppo|Damaskus|Homs|Latakia|Hama|Idlib",
    ),
    _origin(
        "UA",
        8,
        "--:9 rk:1",
        male="Oleksandr Andrii Dmytro Serhii Mykola Volodymyr Yurii Maksym Bohdan Taras",
        female="Olena Iryna Nataliia Yuliia Oksana Tetiana Kateryna Svitlana Anastasiia",
        surnames=(
            "Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Melnyk Boiko Koval "
            "Oliinyk Lysenko Marchenko Rudenko Savchenko Petrenko Moroz Polishchuk"
        ),
        places="Kyiv|Kharkiv|Lviv|Odesa|Dnipro|Zaporizhzhia|Vinnytsia|Poltava",
    ),
    _origin(
        "GR",
        7,
        "--:1",
        male="Georgios Dimitrios Konstantinos Ioannis Nikolaos Panagiotis Vasileios Christos",
        female="Maria Eleni Aikaterini Vasiliki Sofia Angeliki Georgia Dimitra Eirini Despoina",
        surnames=(
            "Georgiou Ioannou Dimitriou Konstantinou Christou Nikolaou Papageorgiou "
            "Antoniou Vasileiou Athanasiou Panagiotou Theodorou Pavlou Stavrou Alexiou"
        ),
        places="Thessaloniki|Athina|Patra|Larisa|Ioannina|Kavala|Serres",
    ),
    _origin(
        "HR",
        7,
        "rk:16 --:4",
        male="Ivan Marko Luka Josip Tomislav Stjepan Ante Mario Željko Dražen Krešimir",
        female="Ana Marija Ivana Petra Kristina Maja Mirjana Jelena Snježana Đurđica Lucija",
        surnames=(
            "Horvat Kovačević Babić Marić Jurić Novak Knežević Vuković Marković "
            "Petrović Matić Tomić Pavlović Kovačić Božić Blažević Grgić Perić Šarić"
        ),
        places="Zagreb|Split|Rijeka|Osijek|Zadar|Slavonski Brod|Varaždin",
    ),
    _origin(
        "RO",
        7,
        "--:9 rk:1",
        male="Andrei Alexandru Ionuț Mihai Ștefan Răzvan Florin Cristian Gabriel Bogdan",
        female="Ioana Elena Maria Andreea Cristina Bianca Alexandra Mihaela Roxana Larisa",
        surnames=(
            "Popescu Ionescu Popa Pop Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu "
            "Constantin Rusu Munteanu Lungu Florea Moldovan Țurcanu Mocanu"
        ),
        places="București|Cluj-Napoca|Timișoara|Iași|Constanța|Brașov|Craiova|Sibiu",
    ),
    _origin(
        "IN",
        7,
        "--:1",
        male="Arjun Rahul Vikram Aditya Rohan Karthik Siddharth Anil Sanjay Pranav Nikhil",
        female="Priya Ananya Deepika Lakshmi Sneha Kavya Divya Pooja Meera Shreya Neha",
        surnames=(
            "Sharma Patel Singh Kumar Gupta Reddy Iyer Nair Rao Mehta Chatterjee Das "
            "Joshi Verma Krishnan Banerjee Menon Pillai"
        ),
        places="Bengaluru|Mumbai|Chennai|Hyderabad|Pune|Delhi|Kolkata|Kochi",
    ),
    _origin(
        "CN",
        5,
        "--:1",
        male="Wei Lei Jun Hao Jian Ming Tao Yong Qiang Bo Xiaoming Zhiwei",
        female="Fang Jing Min Yan Hui Ying Li Xiaoli Lan Mei Na Xue",
        surnames="Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lü Gao",
        places="Beijing|Shanghai|Wuhan|Nanjing|Chengdu|Guangzhou|Xi'an|Hangzhou",
    ),
    _origin(
        "US",
        3,
        "ev:5 rk:4 --:11",
        male="James John Michael David Christopher Matthew Daniel Andrew Joshua Ryan",
        female="Emily Jessica Sarah Ashley Jennifer Olivia Amanda Megan Rachel Lauren",
        surnames=(
            "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor "
            "Thomas Moore Jackson White Harris Martin Thompson Clark"
        ),
        places="New York|Chicago|Boston|Seattle|Houston|Philadelphia|San Diego|Denver",
    ),
    _origin(
        "FR",
        3,
        "rk:10 --:9 fr:1",
        male="Jean Pierre François Nicolas Julien Théo Jérôme Mathieu Sébastien Hugo",
        female="Marie Élodie Léa Chloé Camille Hélène Noémie Céline Manon Amélie Clémence",
        surnames=(
            "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau "
            "Lefèvre Fournier Girard Bonnet Mercier Lambert Rousseau Faure Chevalier"
        ),
        places="Paris|Lyon|Strasbourg|Marseille|Lille|Toulouse|Nancy|Metz",
    ),
    _origin(
        "ES",
        3,
        "rk:14 --:6",
        male="José Antonio Manuel Francisco Javier Álvaro Sergio Pablo Carlos Raúl",
        female="María Carmen Lucía Sofía Inés Marta Laura Paula Elena Nuria Begoña Ángela",
        surnames=(
            "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez "
            "Martín Jiménez Ruiz Muñoz Núñez Álvarez Romero Navarro Domínguez"
        ),
        places="Madrid|Barcelona|Sevilla|Valencia|Málaga|Zaragoza|Bilbao|A Coruña",
    ),
    _origin(
        "DK",
        1,
        "ev:12 --:8",
        male="Søren Jørgen Rasmus Mads Anders Niels Bjørn Lars Jens Mikkel",
        female="Mette Signe Birgitte Anne Sofie Ida Karen Lærke Maja Louise",
        surnames=(
            "Jørgensen Møller Sørensen Hansen Nielsen Pedersen Christensen Kjær "
            "Andersen Rasmussen Thomsen Mortensen"
        ),
        places="København|Aarhus|Odense|Aalborg|Esbjerg",
    ),
)
