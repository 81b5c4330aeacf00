"""The page's narrative panel (like NetLogo's Info tab), in English and German."""

from __future__ import annotations

INFO = {
    "en": """
### What is it?
A German small town (Kleinstadt) simulated year by year: every resident ages, works or
commutes, has children, moves in or away. Shops, the GP, schools and bus lines stay open while
enough people use them and an owner carries on; citizens start initiatives (a cooperative
shop, a citizen bus) when something is missing. The municipality pays for its services and
may run into debt.

### How it works
Each **Step** is one year. The **map** shows the places sized by their residents, and the
providers as symbols: green open, blue run by citizens, red closed in the last three years
(the box says why). **Shocks** strike at the start of the next year. The **twin** is the same
town with the same seed (the same chance events) but without your shocks and levers: its lines
are **dashed**, so the gap between solid and dashed is the effect of what you did.
Levers and the town apply when you press **Reset**.
""",
    "de": """
### Worum geht es?
Eine deutsche Kleinstadt, Jahr für Jahr simuliert: Alle Einwohner altern, arbeiten oder
pendeln, bekommen Kinder, ziehen zu oder fort. Läden, die Hausarztpraxis, Schulen und
Buslinien bleiben, solange genug Menschen sie nutzen und jemand sie weiterführt; Bürgerinnen
und Bürger gründen Initiativen (einen Dorfladen, einen Bürgerbus), wenn etwas fehlt. Die
Gemeinde bezahlt ihre Einrichtungen und kann sich dabei verschulden.

### Wie es funktioniert
Jeder **Step** ist ein Jahr. Die **Karte** zeigt die Orte nach Einwohnern groß und die
Anbieter als Symbole: grün geöffnet, blau von Bürgern betrieben, rot in den letzten drei
Jahren geschlossen (der Kasten sagt, warum). **Schocks** treffen zu Beginn des nächsten
Jahres. Der **Zwilling** ist dieselbe Stadt mit demselben Seed (denselben Zufällen), aber ohne
Ihre Schocks und Hebel: Seine Linien sind **gestrichelt**; der Abstand zwischen durchgezogen
und gestrichelt ist die Wirkung Ihres Eingriffs. Hebel und Stadt gelten nach **Reset**.
""",
}

THINGS_TO_TRY = {
    "en": [
        (
            "A GP retires in the very peripheral town",
            "Town very_peripheral, Reset, Step to year 3, click **GP retires**, then run. Watch "
            "the GP turn red on the map, the quality of life of the retired drop below the "
            "dashed twin, and whether the pharmacy and the shops follow in the years after "
            "(the cascade).",
        ),
        (
            "The same with two GP practices",
            "Town peripheral has two practices. Click **GP retires** again in year 3: does the "
            "other practice keep the patients in town? Is the gap to the twin smaller than in "
            "the very peripheral town?",
        ),
        (
            "A cooperative shop after the grocer closes",
            "Town very_peripheral, tick r3_financing_cooperation, Reset, Step to year 2 and "
            "click **Grocer closes** twice (the town has two grocers), then run ten years. "
            "Watch the stars on the map and the initiatives plot: does a cooperative shop "
            "reach its critical mass, or fail and start again? What comes back first once "
            "the blocked years are over, a private grocer or the cooperative?",
        ),
        (
            "R4 in the peripheral town",
            "Town peripheral, tick r4_municipal_resources, Reset and run twenty years without "
            "shocks. The twin is the same town without the lever: compare initiatives and "
            "members, and what the extra staff costs in debt.",
        ),
        (
            "R6 in the region",
            "Town region, tick r6_cross_town_learning, Reset and run. Initiatives that work in "
            "one town spread to its neighbours: compare the initiatives plot with the dashed "
            "twin.",
        ),
        (
            "The bus line is cut",
            "Any town, click **Bus line cut**: who loses most, the commuters or the pupils? "
            "Look at quality of life by group.",
        ),
        (
            "Neighbours who help",
            "Town peripheral, Reset, Step to year 2, click **Grocer closes**, Step once and note "
            "how far the retired fall below the twin. Then set **Neighbourly help** to 1, "
            "Reset and do the same. Neighbours, family and friends run errands for those who "
            "lost their shop (the more ties in town, the more help): the fall is smaller. "
            "The help also fills in for what the town lacked before, so both lines start "
            "higher: compare the town with its twin, not the levels. Whether small towns "
            "really hold together like this is disputed: in the federal study's survey, a "
            "little over half of the small-town representatives agreed that close local "
            "networks make small towns robust, just under half were undecided or disagreed. "
            "So it is off unless you turn it on: a question for the class.",
        ),
    ],
    "de": [
        (
            "Die Hausärztin geht in Ruhestand (sehr periphere Stadt)",
            "Stadt very_peripheral, Reset, bis Jahr 3 steppen, **GP retires** klicken, dann "
            "laufen lassen. Die Praxis wird auf der Karte rot, die Lebensqualität der Rentner "
            "fällt unter die gestrichelte Linie des Zwillings. Folgen Apotheke und Läden in "
            "den Jahren danach (die Kaskade)?",
        ),
        (
            "Dasselbe mit zwei Praxen",
            "Die Stadt peripheral hat zwei Praxen. Wieder in Jahr 3 **GP retires** klicken: "
            "Bleiben die Patienten bei der anderen Praxis im Ort? Ist der Abstand zum "
            "Zwilling kleiner als in der sehr peripheren Stadt?",
        ),
        (
            "Ein Dorfladen, nachdem der Lebensmittelhändler schließt",
            "Stadt very_peripheral, r3_financing_cooperation ankreuzen, Reset, bis Jahr 2 "
            "steppen und zweimal **Grocer closes** klicken (die Stadt hat zwei Läden), dann "
            "zehn Jahre laufen lassen. Achten Sie auf die Sterne auf der Karte und den "
            "Initiativen-Plot: Erreicht ein genossenschaftlicher Dorfladen seine kritische "
            "Masse, oder scheitert er und beginnt von vorn? Was kommt nach den gesperrten "
            "Jahren zuerst zurück, ein privater Laden oder die Genossenschaft?",
        ),
        (
            "R4 in der peripheren Stadt",
            "Stadt peripheral, r4_municipal_resources ankreuzen, Reset und zwanzig Jahre ohne "
            "Schock laufen lassen. Vergleichen Sie Initiativen und Mitglieder mit dem "
            "Zwilling ohne Hebel, und was das zusätzliche Personal an Schulden kostet.",
        ),
        (
            "R6 in der Region",
            "Stadt region, r6_cross_town_learning ankreuzen, Reset und laufen lassen. "
            "Initiativen, die in einer Stadt funktionieren, verbreiten sich zu den Nachbarn: "
            "Vergleichen Sie den Initiativen-Plot mit dem gestrichelten Zwilling.",
        ),
        (
            "Die Buslinie wird gestrichen",
            "Beliebige Stadt, **Bus line cut** klicken: Wer verliert mehr, die Pendler oder "
            "die Schüler? Sehen Sie sich die Lebensqualität nach Gruppen an.",
        ),
        (
            "Nachbarn, die helfen",
            "Stadt peripheral, Reset, bis Jahr 2 steppen, **Grocer closes** klicken, einmal "
            "steppen und ablesen, wie weit die Rentner unter den Zwilling fallen. Dann "
            "**Neighbourly help** auf 1 stellen, Reset und dasselbe noch einmal. Nachbarn, "
            "Familie und Freunde erledigen Einkäufe für die, die ihren Laden verloren haben "
            "(je mehr Kontakte im Ort, desto mehr Hilfe): Der Abfall ist kleiner. Die Hilfe "
            "gleicht auch aus, was der Stadt vorher schon fehlte, daher liegen beide Linien "
            "höher: Vergleichen Sie die Stadt mit ihrem Zwilling, nicht die Niveaus. Ob "
            "Kleinstädte wirklich so zusammenhalten (die „Kultur der Marginalität“), ist "
            "umstritten: In der Befragung der Bundesstudie stimmte etwas mehr als die Hälfte "
            "der Kleinstadtvertreter zu, dass engmaschige lokale Netzwerke Kleinstädte robust "
            "machen, knapp die Hälfte war unentschieden oder stimmte eher nicht zu. Deshalb "
            "ist die Hilfe aus, bis Sie sie einschalten: eine Frage für die Klasse.",
        ),
    ],
}

HEADINGS = {"en": "Things to try", "de": "Zum Ausprobieren"}


def narrative(language: str) -> str:
    """The panel's text as Markdown ("en" or "de")."""
    tries = "\n".join(
        f"{i}. **{title}.** {body}"
        for i, (title, body) in enumerate(THINGS_TO_TRY[language], start=1)
    )
    return f"{INFO[language].strip()}\n\n### {HEADINGS[language]}\n{tries}\n"
