//! What the demo mail says: the people who write, and one template per kind of message.
//!
//! A template is everything one message needs to read as one message: its subject, the
//! bodies it may open with, who sends it, its category and user label, its attachments
//! and, for conversations, the answers a reply may give. The generator never mixes two
//! templates in one message. Placeholders in braces are filled once per message (the
//! same order number in subject and body): `{n}` a small number, `{order}` five digits,
//! `{amount}` a price as `42.50`, `{amount_eu}` the same as `42,50`, `{code}` four
//! digits, `{ref}` a six-letter booking reference.

/// The language a person writes in (conversation templates pick a person who writes theirs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    En,
    Pl,
    Fr,
    De,
    Ja,
    Ar,
    Es,
}

/// What kind of mail a template is; decides the flags a message tends to carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Between two people; the only kind that is sent, drafted and replied to.
    Conversation,
    Receipt,
    Shipping,
    Travel,
    /// The bookshop; its mail is filed under "Książki".
    Books,
    Security,
    Newsletter,
    Promotion,
    Social,
    Forum,
    Notification,
    Spam,
}

impl Kind {
    /// Bulk mail: often left unread, rarely important.
    pub(super) fn is_bulk(self) -> bool {
        matches!(
            self,
            Kind::Newsletter
                | Kind::Promotion
                | Kind::Social
                | Kind::Forum
                | Kind::Notification
                | Kind::Books
        )
    }

    /// How likely Gmail marks a message of this kind important.
    pub(super) fn importance(self) -> f64 {
        match self {
            Kind::Conversation => 0.35,
            Kind::Security => 0.8,
            Kind::Travel => 0.6,
            Kind::Receipt => 0.3,
            Kind::Shipping => 0.2,
            Kind::Spam => 0.0,
            _ => 0.03,
        }
    }
}

/// Who sends a template's messages.
#[derive(Debug, Clone, Copy)]
pub(super) enum Party {
    /// A person from [`PEOPLE`] who writes this language (or the account owner, to them).
    Person(Lang),
    /// A company or service: (display name, address).
    Service(&'static str, &'static str),
}

/// One kind of message.
pub(super) struct Template {
    pub kind: Kind,
    /// Relative frequency among new (non-reply) messages.
    pub weight: f64,
    pub from: Party,
    /// The CATEGORY_* label Gmail files it under (ignored for spam and sent mail).
    pub category: &'static str,
    /// A user label id and how often the owner filed the message under it.
    pub label: Option<(&'static str, f64)>,
    pub subject: &'static str,
    /// What a first message says (one is picked).
    pub bodies: &'static [&'static str],
    /// What a "Re:" reply says (conversations only; empty: nobody answers).
    pub replies: &'static [&'static str],
    /// Closing line of a service's mail (people sign with their name instead).
    pub footer: &'static str,
    /// How often it has an attachment, and which ones it may have.
    pub attachments: (f64, &'static [(&'static str, &'static str)]),
}

/// People who write to the demo accounts: (name, address, language).
pub(super) const PEOPLE: &[(&str, &str, Lang)] = &[
    ("Marta Wiśniewska", "marta.wisniewska@example.com", Lang::Pl),
    ("Piotr Zieliński", "piotr.zielinski@example.org", Lang::Pl),
    ("Élodie Martin", "elodie.martin@example.fr", Lang::Fr),
    ("François Lefèvre", "f.lefevre@example.org", Lang::Fr),
    ("Jürgen Müller", "juergen.mueller@example.de", Lang::De),
    ("Anja Schröder", "anja.schroeder@example.net", Lang::De),
    ("田中 花子", "hanako.tanaka@example.jp", Lang::Ja),
    ("佐藤 健", "ken.sato@example.jp", Lang::Ja),
    ("ليلى حداد", "layla.haddad@example.org", Lang::Ar),
    ("Omar Farouk", "omar.farouk@example.net", Lang::Ar),
    ("Priya Raman", "priya.raman@example.com", Lang::En),
    ("John O'Brien", "john.obrien@example.com", Lang::En),
    ("Nguyễn Văn An", "an.nguyen@example.net", Lang::En),
    ("Ingrid Johansson", "ingrid.j@example.se", Lang::En),
    ("Sofia García", "sofia.garcia@example.es", Lang::Es),
];

/// How a person signs off in their language.
pub(super) fn sign_off(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Best regards,",
        Lang::Pl => "Pozdrawiam,",
        Lang::Fr => "Bien à vous,",
        Lang::De => "Viele Grüße",
        Lang::Ja => "よろしくお願いいたします。",
        Lang::Ar => "مع التحية،",
        Lang::Es => "Un abrazo,",
    }
}

const PDF: &str = "application/pdf";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const NO_FILES: (f64, &[(&str, &str)]) = (0.0, &[]);
const PHOTOS: (f64, &[(&str, &str)]) = (0.7, &[("zdjęcie_plaża.jpg", "image/jpeg")]);
const WORK_FILES: (f64, &[(&str, &str)]) = (0.5, &[("agenda.docx", DOCX), ("レポート.xlsx", XLSX)]);
const UNSUBSCRIBE: &str = "You are receiving this because you subscribed. Unsubscribe or change your preferences at any time.";
const WORK: Option<(&str, f64)> = Some(("Label_5", 0.5));
const FAMILY: Option<(&str, f64)> = Some(("Label_6", 0.6));
const RECEIPTS: Option<(&str, f64)> = Some(("Label_1", 0.7));
/// "Travel", or its child "Travel/2026" for mail of 2026 (see `user_label`).
const TRAVEL: Option<(&str, f64)> = Some(("Label_2", 0.8));
const BOOKS: Option<(&str, f64)> = Some(("Label_4", 0.9));
const PERSONAL: &str = "CATEGORY_PERSONAL";
const UPDATES: &str = "CATEGORY_UPDATES";
const PROMOTIONS: &str = "CATEGORY_PROMOTIONS";

const fn person(lang: Lang, weight: f64, label: Option<(&'static str, f64)>) -> Template {
    Template {
        kind: Kind::Conversation,
        weight,
        from: Party::Person(lang),
        category: PERSONAL,
        label,
        subject: "",
        bodies: &[],
        replies: &[],
        footer: "",
        attachments: NO_FILES,
    }
}

const fn service(
    kind: Kind,
    weight: f64,
    from: (&'static str, &'static str),
    category: &'static str,
) -> Template {
    Template {
        kind,
        weight,
        from: Party::Service(from.0, from.1),
        category,
        label: None,
        subject: "",
        bodies: &[],
        replies: &[],
        footer: "",
        attachments: NO_FILES,
    }
}

const SHOP: (&str, &str) = ("Allegro Shop", "zamowienia@shop.example.net");
const STORE: (&str, &str) = ("Example Store", "orders@store.example.com");
const AIR: (&str, &str) = ("Air Example", "booking@air.example.org");
const BOOKSHOP: (&str, &str) = ("Księgarnia Nowa", "sklep@ksiazki.example.pl");
const SOCIAL: (&str, &str) = ("Social Network", "notify@social.example.com");

/// Every template; subjects are told apart even with their placeholders filled.
pub(super) const TEMPLATES: &[Template] = &[
    // Conversations between people.
    Template {
        subject: "Meeting notes for Thursday",
        bodies: &[
            "Hi! Here are the notes from Thursday's meeting: budget & timeline are agreed, and the launch moves to week {n}.",
            "Hello, a short summary of Thursday: we keep the scope, Priya owns the budget and we meet again in {n} days.",
        ],
        replies: &[
            "Thanks, that matches my notes. One question about the timeline: can we talk tomorrow?",
            "Got it, thank you! I'll update the plan tonight.",
        ],
        attachments: WORK_FILES,
        ..person(Lang::En, 3.0, WORK)
    },
    Template {
        subject: "Quarterly report — draft v2",
        bodies: &[
            "Attached is draft v2 of the quarterly report. Could you check the numbers in section {n} before Friday?",
        ],
        replies: &[
            "Looks good overall. Section {n} needs the March figures; I'll send them tonight.",
            "Numbers checked: only two typos, both fixed in the attached copy.",
        ],
        attachments: (0.9, &[("レポート.xlsx", XLSX)]),
        ..person(Lang::En, 2.0, WORK)
    },
    Template {
        subject: "Can you review this PR?",
        bodies: &[
            "Can you take a look before Friday? I've left comments inline <3 It's the paging fix, {n} files changed.",
        ],
        replies: &[
            "Reviewed: two small comments, otherwise good to merge.",
            "Approved 👍 Nice cleanup.",
        ],
        ..person(Lang::En, 2.0, WORK)
    },
    Template {
        subject: "Lunch tomorrow?",
        bodies: &[
            "Hi! Just a quick note about Tom & Jerry's plan: lunch tomorrow at 12:30, \"sharp\". Are you in?",
            "Fancy lunch tomorrow? The new ramen place opens at 12 & it's 5 > 4 minutes from the office.",
        ],
        replies: &[
            "I'm in! See you there.",
            "Can we make it 1 pm? I have a call until 12:45.",
        ],
        ..person(Lang::En, 3.0, FAMILY)
    },
    Template {
        subject: "Dinner at Anna's 🍝",
        bodies: &[
            "Anna is cooking on Saturday & asked me to invite you. Bring dessert if you can 🍰",
        ],
        replies: &[
            "Count me in, I'll bring tiramisu.",
            "Lovely! What time should we be there?",
        ],
        ..person(Lang::En, 2.0, FAMILY)
    },
    Template {
        subject: "Photos from the weekend",
        bodies: &["Here are the photos from the weekend; the one by the lake is my favourite."],
        replies: &[
            "These are lovely, thank you! Can I print the lake one?",
            "Wonderful, what a weekend. Same again next year?",
        ],
        attachments: PHOTOS,
        ..person(Lang::En, 2.0, FAMILY)
    },
    Template {
        subject: "Spotkanie w piątek o 10:00",
        bodies: &["Cześć, potwierdzam spotkanie w piątek o 10:00 w sali {n} na drugim piętrze."],
        replies: &[
            "Dzięki, będę punktualnie.",
            "Czy możemy przesunąć na 11:00? Rano mam wizytę u lekarza.",
        ],
        attachments: WORK_FILES,
        ..person(Lang::Pl, 4.0, WORK)
    },
    Template {
        subject: "Zdjęcia z wakacji 🏖️",
        bodies: &[
            "Cześć, przesyłam zdjęcia i listę rzeczy do zabrania na następny raz — daj znać, czy pasuje.",
        ],
        replies: &[
            "Super zdjęcia! Lista pasuje, dopiszę tylko krem z filtrem.",
            "Dzięki! Najlepsze jest to z zachodem słońca.",
        ],
        attachments: PHOTOS,
        ..person(Lang::Pl, 3.0, FAMILY)
    },
    Template {
        subject: "Wycieczka do Krakowa",
        bodies: &[
            "Hej, co myślisz o wycieczce do Krakowa w długi weekend? Pociąg jest o 7:15 z Centralnej.",
        ],
        replies: &[
            "Jestem za! Kupię bilety jeszcze dziś.",
            "Chętnie, ale może w sobotę zamiast piątku?",
        ],
        ..person(Lang::Pl, 2.0, FAMILY)
    },
    Template {
        subject: "Réunion de lundi : ordre du jour",
        bodies: &[
            "Bonjour, voici l'ordre du jour de la réunion de lundi & les {n} points à préparer.",
        ],
        replies: &[
            "Merci, c'est noté. J'ajoute un point sur le budget.",
            "Parfait, à lundi !",
        ],
        attachments: WORK_FILES,
        ..person(Lang::Fr, 2.0, WORK)
    },
    Template {
        subject: "Dîner vendredi ?",
        bodies: &[
            "Salut ! On dîne ensemble vendredi soir ? Je connais un bon bistrot près de la gare.",
        ],
        replies: &["Avec plaisir, à vendredi !", "Bonne idée. 20 h, ça te va ?"],
        ..person(Lang::Fr, 2.0, FAMILY)
    },
    Template {
        subject: "Einladung zur Geburtstagsfeier",
        bodies: &[
            "Hallo, ich feiere am Samstag meinen Geburtstag und würde mich sehr freuen, wenn du kommst!",
        ],
        replies: &[
            "Sehr gerne, ich komme!",
            "Danke für die Einladung – leider bin ich an dem Wochenende nicht da.",
        ],
        ..person(Lang::De, 1.5, FAMILY)
    },
    Template {
        subject: "Grüße aus München",
        bodies: &[
            "Hallo aus München! Das Wetter ist herrlich, anbei ein paar Fotos vom Englischen Garten.",
        ],
        replies: &["Wie schön! Viel Spaß noch und bis bald."],
        attachments: PHOTOS,
        ..person(Lang::De, 1.5, FAMILY)
    },
    Template {
        subject: "Unterlagen für nächste Woche",
        bodies: &[
            "Hallo, anbei die Unterlagen für nächste Woche. Bitte lies vor allem Kapitel {n}.",
        ],
        replies: &["Danke, habe alles erhalten und gelesen."],
        attachments: (0.9, &[("agenda.docx", DOCX)]),
        ..person(Lang::De, 1.5, WORK)
    },
    Template {
        subject: "来週の打ち合わせについて",
        bodies: &[
            "お世話になっております。来週の打ち合わせの資料を添付しましたので、ご確認ください。",
        ],
        replies: &["ご連絡ありがとうございます。資料を確認いたしました。"],
        attachments: (0.8, &[("レポート.xlsx", XLSX)]),
        ..person(Lang::Ja, 1.5, WORK)
    },
    Template {
        subject: "お見積もりのご確認",
        bodies: &[
            "お見積もりを作成いたしました。内容をご確認のうえ、ご返信いただけますと幸いです。",
        ],
        replies: &["ありがとうございます。社内で確認いたします。"],
        ..person(Lang::Ja, 1.0, WORK)
    },
    Template {
        subject: "اجتماع الفريق يوم الأحد",
        bodies: &["مرحبا، يرجى مراجعة المستندات المرفقة قبل اجتماع الفريق يوم الأحد."],
        replies: &["شكرا، سأراجعها اليوم."],
        attachments: WORK_FILES,
        ..person(Lang::Ar, 1.5, WORK)
    },
    Template {
        subject: "¿Comemos el sábado?",
        bodies: &["¡Hola! ¿Te apetece comer el sábado en el restaurante de siempre? Yo invito 😊"],
        replies: &["¡Claro que sí! ¿A las dos?"],
        ..person(Lang::Es, 1.5, FAMILY)
    },
    // Receipts and invoices.
    Template {
        subject: "Your receipt from Example Café",
        bodies: &[
            "Thanks for your payment of €{amount}. Your receipt is attached; see you again soon!",
        ],
        footer: "Example Café, 12 Market Square",
        label: RECEIPTS,
        attachments: (0.6, &[("receipt.pdf", PDF)]),
        ..service(
            Kind::Receipt,
            1.5,
            ("Example Café", "receipts@cafe.example.com"),
            UPDATES,
        )
    },
    Template {
        subject: "Potwierdzenie płatności za zamówienie nr {order}",
        bodies: &["Dziękujemy! Otrzymaliśmy płatność {amount_eu} zł za zamówienie nr {order}."],
        footer: "Zespół Allegro Shop",
        label: RECEIPTS,
        ..service(Kind::Receipt, 1.5, SHOP, UPDATES)
    },
    Template {
        subject: "Invoice {order} from Example Hosting",
        bodies: &[
            "Your invoice {order} for €{amount} is attached. It will be charged to the card ending in {code}.",
        ],
        footer: "Example Hosting Billing",
        label: RECEIPTS,
        attachments: (0.9, &[("invoice-2025-03.pdf", PDF)]),
        ..service(
            Kind::Receipt,
            1.5,
            ("Example Hosting", "billing@hosting.example.com"),
            UPDATES,
        )
    },
    Template {
        subject: "Rechnung für Ihre Bestellung {order}",
        bodies: &[
            "Vielen Dank für Ihren Einkauf! Anbei erhalten Sie die Rechnung über {amount_eu} € für Ihre Bestellung {order}.",
        ],
        footer: "Ihr Elektro-Example-Team",
        label: RECEIPTS,
        attachments: (0.9, &[("Rechnung.pdf", PDF)]),
        ..service(
            Kind::Receipt,
            1.0,
            ("Elektro Example", "rechnung@elektro.example.de"),
            UPDATES,
        )
    },
    Template {
        subject: "Facture n° {order}",
        bodies: &[
            "Bonjour, veuillez trouver ci-joint votre facture n° {order} d'un montant de {amount_eu} €.",
        ],
        footer: "Boutique Exemple, service client",
        label: RECEIPTS,
        attachments: (0.9, &[("Reçu.pdf", PDF)]),
        ..service(
            Kind::Receipt,
            1.0,
            ("Boutique Exemple", "factures@boutique.example.fr"),
            UPDATES,
        )
    },
    // Shipping.
    Template {
        subject: "Your order #{order} has shipped",
        bodies: &["Your order is on its way. Track it here: <https://store.example.com/t/{order}>"],
        footer: "Example Store customer service",
        ..service(Kind::Shipping, 2.5, STORE, UPDATES)
    },
    Template {
        subject: "Zamówienie nr {order} zostało wysłane",
        bodies: &[
            "Twoja paczka jest w drodze i dotrze w ciągu 2 dni. Śledź przesyłkę: https://shop.example.net/t/{order}",
        ],
        footer: "Zespół Allegro Shop",
        ..service(Kind::Shipping, 2.5, SHOP, UPDATES)
    },
    // Travel.
    Template {
        subject: "Flight confirmation: WAW → CDG",
        bodies: &[
            "Your booking {ref} is confirmed: Warsaw (WAW) → Paris (CDG), seat {n}A. Have a good trip!",
        ],
        footer: "Air Example, booking service",
        label: TRAVEL,
        attachments: (0.8, &[("boarding-pass.pdf", PDF)]),
        ..service(Kind::Travel, 1.0, AIR, UPDATES)
    },
    Template {
        subject: "Check in now for your flight to Lisbon",
        bodies: &[
            "Online check-in is open for booking {ref}. Check in now & skip the queue at the airport.",
        ],
        footer: "Air Example, booking service",
        label: TRAVEL,
        ..service(Kind::Travel, 1.0, AIR, UPDATES)
    },
    Template {
        subject: "Vos billets pour Lyon",
        bodies: &[
            "Bonjour, voici vos billets pour Lyon. Départ de Paris Gare de Lyon, voiture {n}, place 64.",
        ],
        footer: "Trains Exemple",
        label: TRAVEL,
        attachments: (0.9, &[("e-billet.pdf", PDF)]),
        ..service(
            Kind::Travel,
            1.0,
            ("Trains Exemple", "billets@trains.example.fr"),
            UPDATES,
        )
    },
    Template {
        subject: "Potwierdzenie rezerwacji {ref}",
        bodies: &[
            "Dziękujemy za rezerwację {ref}. Zameldowanie od 15:00, wymeldowanie do 11:00. Do zobaczenia w Krakowie!",
        ],
        footer: "Hotel Example Kraków",
        label: TRAVEL,
        ..service(
            Kind::Travel,
            1.0,
            ("Hotel Example Kraków", "rezerwacje@hotel.example.pl"),
            UPDATES,
        )
    },
    // The bookshop.
    Template {
        subject: "Nowe książki w tym tygodniu 📚",
        bodies: &[
            "Cześć! W tym tygodniu mamy {n} nowości: kryminały, reportaże i poezja. Zajrzyj do księgarni.",
        ],
        footer: UNSUBSCRIBE,
        label: BOOKS,
        ..service(Kind::Books, 2.5, BOOKSHOP, PROMOTIONS)
    },
    Template {
        subject: "Zamówienie {order} czeka na odbiór",
        bodies: &[
            "Twoja książka (zamówienie {order}) czeka na odbiór w księgarni przy ul. Długiej 7.",
        ],
        footer: "Księgarnia Nowa",
        label: BOOKS,
        ..service(Kind::Books, 1.5, BOOKSHOP, UPDATES)
    },
    // Security and the bank.
    Template {
        subject: "Security alert for your account",
        bodies: &[
            "A new sign-in to your account was detected on a Linux device. If this was you, you can ignore this e-mail.",
        ],
        footer: "The Example Accounts team",
        ..service(
            Kind::Security,
            1.0,
            ("Example Accounts", "no-reply@accounts.example.com"),
            UPDATES,
        )
    },
    Template {
        subject: "Your monthly statement is ready",
        bodies: &[
            "Your statement for the account ending in {code} is ready to view in online banking.",
        ],
        footer: "Bank Example. We will never ask for your password by e-mail.",
        ..service(
            Kind::Security,
            1.0,
            ("Bank Example", "alerts@bank.example.com"),
            UPDATES,
        )
    },
    Template {
        subject: "Mise à jour de votre compte",
        bodies: &[
            "Bonjour, les conditions de votre compte changent le 1er du mois prochain. Aucune action n'est requise.",
        ],
        footer: "Banque Exemple",
        ..service(
            Kind::Security,
            1.0,
            ("Banque Exemple", "alertes@banque.example.fr"),
            UPDATES,
        )
    },
    // Newsletters.
    Template {
        subject: "Weekly digest: {n} new posts",
        bodies: &["Here's what happened this week: {n} new posts, 3 replies & 1 mention."],
        footer: UNSUBSCRIBE,
        ..service(
            Kind::Newsletter,
            4.0,
            ("Newsletter Weekly", "hello@news.example.org"),
            UPDATES,
        )
    },
    Template {
        subject: "This Week in Example #{n}",
        bodies: &[
            "Hello and welcome to another issue! This week: async closures, a faster linker & {n} job offers.",
        ],
        footer: UNSUBSCRIBE,
        ..service(
            Kind::Newsletter,
            4.0,
            ("This Week in Example", "editors@twie.example.org"),
            UPDATES,
        )
    },
    Template {
        subject: "La lettre du matin : l'essentiel de l'actualité",
        bodies: &[
            "Bonjour ! Au sommaire ce matin : élections, météo & culture, en {n} minutes de lecture.",
        ],
        footer: UNSUBSCRIBE,
        ..service(
            Kind::Newsletter,
            4.0,
            ("Le Journal Exemple", "newsletter@journal.example.fr"),
            PROMOTIONS,
        )
    },
    // Promotions.
    Template {
        subject: "-{n}% na elektronikę tylko do niedzieli",
        bodies: &[
            "Tylko do niedzieli: rabaty do {n}% na laptopy, słuchawki i aparaty. Sprawdź oferty!",
        ],
        footer: UNSUBSCRIBE,
        ..service(Kind::Promotion, 3.0, SHOP, PROMOTIONS)
    },
    Template {
        subject: "Last chance: {n}% off everything",
        bodies: &["Our summer sale ends tonight: {n}% off everything in store & online."],
        footer: UNSUBSCRIBE,
        ..service(Kind::Promotion, 3.0, STORE, PROMOTIONS)
    },
    Template {
        subject: "Fly to Lisbon from €{amount}",
        bodies: &["Spring fares are here: Lisbon, Porto & Madeira from €{amount} one way."],
        footer: UNSUBSCRIBE,
        ..service(Kind::Promotion, 3.0, AIR, PROMOTIONS)
    },
    // Social and forums.
    Template {
        subject: "You have {n} new notifications",
        bodies: &[
            "See what your friends have been up to: {n} new notifications, 2 friend requests & 1 event invitation.",
        ],
        footer: UNSUBSCRIBE,
        ..service(Kind::Social, 2.5, SOCIAL, "CATEGORY_SOCIAL")
    },
    Template {
        subject: "Marta Wiśniewska invited you to an event",
        bodies: &[
            "Marta Wiśniewska invited you to \"Grill u Marty\" on Saturday at 18:00. Will you go?",
        ],
        footer: UNSUBSCRIBE,
        ..service(Kind::Social, 2.5, SOCIAL, "CATEGORY_SOCIAL")
    },
    Template {
        subject: "Nowa odpowiedź w wątku: Jaki rower na dojazdy?",
        bodies: &[
            "Użytkownik kolarz_77 odpowiedział w wątku „Jaki rower na dojazdy?”: polecam gravel, sprawdzi się i w mieście, i w lesie.",
        ],
        footer: "Forum Rowerowe",
        ..service(
            Kind::Forum,
            2.5,
            ("Forum Rowerowe", "forum@rowery.example.pl"),
            "CATEGORY_FORUMS",
        )
    },
    Template {
        subject: "[example/mailglance] Fix paging when the list is empty (PR #{n})",
        bodies: &[
            "@octo-reviewer approved this pull request. Merging is blocked until the {n} checks pass.",
        ],
        footer: "Reply to this email directly or view it on GitHub.",
        ..service(
            Kind::Notification,
            2.5,
            ("GitHub", "noreply@notifications.example.com"),
            UPDATES,
        )
    },
    // Spam.
    Template {
        subject: "🎉 Congratulations, you're in!",
        bodies: &[
            "You have been selected to receive a €1,000 gift card!!! Claim it within 24 hours.",
        ],
        footer: "To stop receiving these messages, reply STOP.",
        ..service(
            Kind::Spam,
            1.5,
            ("Prize Center", "winner@lucky-prize.example.biz"),
            PROMOTIONS,
        )
    },
    Template {
        subject: "Make €{amount} a day from home",
        bodies: &[
            "Our proven system lets anyone earn €{amount} a day. No experience needed, reply now!",
        ],
        footer: "To stop receiving these messages, reply STOP.",
        ..service(
            Kind::Spam,
            1.5,
            ("Dr. Rich", "rich@invest.example.biz"),
            PROMOTIONS,
        )
    },
];
