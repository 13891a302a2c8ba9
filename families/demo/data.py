"""The fixed ingredients of the demo data: distributions, names, demo users.

Plain lists (Faker is a development dependency only). The texts are data as a
Copenhagen caseworker would write them, so they are Danish and not translated.
"""

import datetime
from dataclasses import dataclass

from bi18.accounts.roles import Role
from families.models import District, FamilyStatus

DEMO_PASSWORD = "Demo-Adgang-2026"  # noqa: S105 - shared log-in of the fictitious demo users
# The demo users' authenticator-app key (base32, for typing into an app; docs/demo-logins.md).
# Public on purpose, like the password: demo data only, never a real account.
DEMO_TOTP_SECRET = "BIONEEIGHTDEMOTOTPKEYFORDEVXXBIA"  # noqa: S105
DEMO_HOUSEHOLD_PREFIX = "DEMO-"  # household_id of every demo family: marks a database as demo-only
DEFAULT_FAMILIES = 130
MAIN_CASEWORKER_FAMILIES = 40  # `sagsbehandler` is in this many groups (incl. BI18-0001)
CHUNK_SIZE = 1000  # families generated and inserted per round
BATCH_SIZE = 2000  # rows per INSERT statement

# Birth dates count back from a fixed day, so a seed gives the same CPR numbers on any day.
BIRTH_ANCHOR = datetime.date(2026, 1, 1)

# --- Distributions ---------------------------------------------------------------------

# Rough shares of the target group per district (the large social-housing areas dominate).
DISTRICT_WEIGHTS: dict[str, float] = {
    District.BISPEBJERG: 0.16,
    District.NOERREBRO: 0.15,
    District.AMAGER_VEST: 0.12,
    District.VALBY: 0.11,
    District.BROENSHOEJ_HUSUM: 0.10,
    District.VESTERBRO: 0.10,
    District.AMAGER_OEST: 0.08,
    District.VANLOESE: 0.07,
    District.OESTERBRO: 0.06,
    District.INDRE_BY: 0.05,
}
STATUS_WEIGHTS: dict[str, float] = {
    FamilyStatus.ACTIVE: 0.62,
    FamilyStatus.ENROLLED: 0.22,
    FamilyStatus.SCREENED: 0.05,
    FamilyStatus.COMPLETED: 0.04,
    FamilyStatus.WITHDRAWN: 0.07,
}
# 1–5 children, mean ≈ 2.5 (130 families → ≈ 325 children).
CHILDREN_WEIGHTS = {1: 0.20, 2: 0.35, 3: 0.25, 4: 0.12, 5: 0.08}

WITHDRAWAL_REASONS = (
    "Familien er flyttet fra kommunen.",
    "Familien ønsker ikke længere at deltage.",
    "Den ene forælder er overgået til anden særlig indsats.",
)
COMPLETION_REASONS = ("Begge forældre er i ordinær beskæftigelse eller uddannelse.",)
YOUTH_16_17 = (
    "10. klasse",
    "Gymnasium (STX)",
    "Erhvervsuddannelse (EUD)",
    "Erhvervsuddannelse (EUD)",
    "HF",
    "Ikke i uddannelse",
)
YOUTH_18_25 = (
    "Erhvervsuddannelse (EUD)",
    "Erhvervsuddannelse (EUD)",
    "HF",
    "Gymnasium (HHX)",
    "Videregående uddannelse",
    "Ikke i uddannelse eller job",
    "Ikke i uddannelse, har fritidsjob",
    "Ufaglært job",
)
TARGET_GROUP_SOURCE = "Registerudtræk (DREAM og CPR)"
DANISH_LEVELS = (
    "Ingen",
    "Danskuddannelse 1, modul 2",
    "Danskuddannelse 2, modul 3",
    "Danskuddannelse 2, modul 5",
    "Danskuddannelse 3, modul 4",
    "Prøve i Dansk 2",
    "Prøve i Dansk 3",
)
EDUCATIONS = (
    "Ingen formel uddannelse",
    "Grundskole i hjemlandet",
    "Grundskole i hjemlandet",
    "Gymnasial uddannelse i hjemlandet",
    "Erhvervsuddannelse i hjemlandet",
    "Videregående uddannelse i hjemlandet (ikke anerkendt)",
    "9. klasse i Danmark",
    "AMU-kurser",
)

# --- Names (plain lists: Faker is a development dependency only) ------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class NameOrigin:
    language: str  # the family's preferred language (stored as written, in Danish)
    weight: float
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    wife_takes_surname: bool = False
    patronymic: bool = False  # children's last name is the father's first name (Somali)


ORIGINS: tuple[NameOrigin, ...] = (
    NameOrigin(
        "arabisk",
        0.30,
        _words(
            "Ahmad Mohammed Omar Ali Hassan Khaled Youssef Ibrahim Mahmoud Samir Tarek Karim Bilal Nabil Walid Fadi Hamza Mustafa"
        ),
        _words(
            "Fatima Aisha Amina Mariam Layla Nour Huda Rania Salma Yasmin Zainab Hanan Samira Rasha Dalia Leila Iman"
        ),
        _words(
            "Hassan Ali Ahmad Abdallah Khalil Saleh Haddad Ibrahim Nasser Mansour Youssef El-Masri Hamdan Othman Qasim Darwish Awad Said"
        ),
    ),
    NameOrigin(
        "somali",
        0.15,
        _words(
            "Abdi Abdirahman Mohamed Ahmed Hassan Abdullahi Yusuf Mahad Liban Farah Guled Hamse Ismail Omar"
        ),
        _words("Hodan Fadumo Amina Hibo Sahra Ifrah Asha Hawa Ayan Nasra Khadra Ubah Ladan Sagal"),
        _words("Warsame Farah Hirsi Jama Abdi Mohamud Osman Aden Elmi Nur Hussein Gedi Dahir Egal"),
        patronymic=True,
    ),
    NameOrigin(
        "tyrkisk",
        0.12,
        _words(
            "Mehmet Mustafa Ahmet Emre Murat Hasan Hüseyin Kemal Serkan Burak Yusuf Ömer Cem Erdem"
        ),
        _words("Ayşe Fatma Emine Zeynep Elif Hatice Merve Büşra Esra Derya Sevgi Gül Aylin Selin"),
        _words(
            "Yılmaz Kaya Demir Şahin Çelik Yıldız Öztürk Aydın Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt"
        ),
        wife_takes_surname=True,
    ),
    NameOrigin(
        "urdu",
        0.10,
        _words("Imran Asif Tariq Farhan Kamran Adnan Usman Zubair Waqas Shahid Bilal Naveed"),
        _words("Ayesha Sana Nadia Saima Rabia Hina Bushra Shazia Sadia Farah Noreen Uzma"),
        _words(
            "Khan Hussain Butt Chaudhry Malik Qureshi Iqbal Raza Shah Akhtar Mirza Javed Aslam Anwar"
        ),
        wife_takes_surname=True,
    ),
    NameOrigin(
        "kurdisk",
        0.10,
        _words("Rebin Dilshad Karwan Shwan Hawre Azad Baran Rizgar Sherzad Zana Aram Hemin"),
        _words("Shilan Rozhin Nazdar Berivan Jiyan Delal Hêvî Avin Gulistan Sozan Nasrin Shirin"),
        _words("Barzani Rashid Mahmoud Karim Salih Hama Aziz Faraj Qadir Mustafa Ismail Omer"),
    ),
    NameOrigin(
        "farsi",
        0.08,
        _words("Reza Ali Hossein Mehdi Ahmad Mohammad Javad Amir Hamid Farid Sohrab"),
        _words("Maryam Zahra Fatemeh Parisa Shirin Narges Roya Mina Soraya Mahnaz Shabnam"),
        _words("Ahmadi Hosseini Rahimi Karimi Mohammadi Rezaei Jafari Hashemi Sadeghi Amiri"),
    ),
    NameOrigin(
        "dari",
        0.05,
        _words("Nasir Wahid Jawad Farid Sayed Mirwais Habib Rahim Zabihullah"),
        _words("Fereshta Zarghona Nargis Shabnam Mursal Freshta Gulalai Wahida"),
        _words("Noori Azizi Sultani Haidari Popal Stanikzai Rahimi Sharifi"),
    ),
    NameOrigin(
        "tigrinya",
        0.07,
        _words("Tesfay Dawit Yonas Samuel Mehari Berhane Kidane Ghirmay Habtom Filmon Tekle"),
        _words("Helen Senait Selam Ruth Saba Lidya Mebrat Yohanna Tsega Hiwet Winta Rahwa"),
        _words(
            "Tesfamariam Ghebremedhin Berhe Haile Tekle Kidane Woldu Gebru Habte Yohannes Ghebre"
        ),
        patronymic=True,
    ),
    NameOrigin(
        "bosnisk",
        0.03,
        _words("Admir Emir Nermin Senad Jasmin Edin Haris Mirza"),
        _words("Amra Lejla Selma Azra Emina Amela Merima Edina"),
        _words("Hodžić Begić Delić Hasanović Mehmedović Kovačević Husić Omerović"),
        wife_takes_surname=True,
    ),
)
# Names children of the target group are often given in Denmark.
CHILD_NAMES_MALE = _words("Adam Noah Elias Yusuf Zakaria Ilyas Sami Adil Aron Malik Isak Mikail")
CHILD_NAMES_FEMALE = _words("Sara Lina Maja Nora Ida Mila Sofia Hanna Lea Yasmin Aya Maryam")

STAFF_FIRST_NAMES = _words(
    "Mette Anne Louise Camilla Signe Maria Julie Sofie Lars Jens Peter Morten Søren Thomas Rasmus Mikkel Henrik Kasper Line Helle Kirsten Trine Jesper Anders Niels Christian Martin Ida Emma Sara Ahmed Zeynep Nadia Ali Hodan"
)
STAFF_LAST_NAMES = _words(
    "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Petersen Madsen Kristensen Olsen Thomsen Poulsen Johansen Møller Mortensen Holm Lund Schmidt Frederiksen Kjær Bach Dahl Yilmaz Khan Hussein"
)

# --- Demo users ----------------------------------------------------------------------------

# role -> (username of the first user; further users get 2, 3, …), families per user (0: one user)
ROLE_USERS: dict[str, tuple[str, int, int]] = {
    # role: (base username, families per user, minimum number of users)
    Role.FAMILY_CASEWORKER: ("sagsbehandler", 35, 4),
    Role.EMPLOYMENT_CONSULTANT: ("beskaeftigelse", 45, 2),
    Role.COMPANY_CONSULTANT: ("virksomhed", 60, 2),
    Role.JOB_MENTOR: ("jobmentor", 25, 1),
    Role.RETENTION_COUNSELLOR: ("fastholdelse", 40, 1),
    Role.YOUTH_GUIDANCE_COUNSELLOR: ("uu", 80, 2),
    Role.MANAGER: ("leder", 0, 1),
    Role.BUDGET_OFFICER: ("oekonomi", 0, 1),
    # Two administrators: what one grants, the other approves (four eyes).
    Role.ADMIN: ("admin", 0, 2),
    Role.EVALUATOR: ("evaluator", 0, 1),
}
NAMED_USERS: dict[str, tuple[str, str]] = {
    "sagsbehandler": ("Mette", "Sørensen"),
    "sagsbehandler2": ("Jonas", "Holm"),
    "sagsbehandler3": ("Aisha", "Khalil"),
    "sagsbehandler4": ("Henrik", "Lund"),
    "beskaeftigelse": ("Lars", "Nielsen"),
    "beskaeftigelse2": ("Sofie", "Madsen"),
    "virksomhed": ("Camilla", "Kjær"),
    "virksomhed2": ("Rasmus", "Dahl"),
    "jobmentor": ("Kim", "Pedersen"),
    "fastholdelse": ("Line", "Andersen"),
    "uu": ("Peter", "Hansen"),
    "uu2": ("Nadia", "Yilmaz"),
    "leder": ("Birgitte", "Lauridsen"),
    "oekonomi": ("Niels", "Frederiksen"),
    "admin": ("Anne", "Christensen"),
    "admin2": ("Tobias", "Vestergaard"),
    "evaluator": ("Jakob", "Winther"),
}
