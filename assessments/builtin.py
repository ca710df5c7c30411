"""The built-in survey instruments (needs assessment, evaluation, knowledge-test templates, follow-up) and their loader.

The needs-assessment questionnaires follow the question areas of the 2021 questionnaires as the
report lets us reconstruct them (digest section 2.3: G1-G27 for government bodies, the notes on
the CSO and media forms); evaluation and follow-up answer the report's call for more than
end-of-course forms (section 4.6). Every text is given as (Azerbaijani, Russian, English).
Question codes and option values use underscores, like the 2021 tables (Table 3 and Table 4
column names are reused as they are), so that old and new answers line up in exports.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from assessments.models import Instrument, InstrumentStatus, Option, Purpose, Question, QuestionKind, Section
from people.models import StakeholderCategory

Text = tuple[str, str, str]  # (Azerbaijani, Russian, English)
# A choice: (value, Azerbaijani, Russian, English); a knowledge option adds whether it is correct.
Choice = tuple[str, str, str, str]
KnowledgeChoice = tuple[str, str, str, str, bool]

PRIORITY_QUESTION_CODE = "priorities"
FURTHER_TRAINING_QUESTION_CODE = "further_training"
POST_TEST_PASS_MARK = 60
BUILTIN_VERSION = 1

NEEDS_ASSESSMENT_BY_CATEGORY = {"government": "na-government", "cso": "na-cso", "media": "na-media"}
NEEDS_ASSESSMENT_FALLBACK = "na-cso"

NO_HELP: Text = ("", "", "")
ALL_THAT_APPLY: Text = ("Uyğun gələn bütün variantları seçin.", "Выберите все подходящие варианты.", "Choose all that apply.")
ALL_THAT_APPLY_OR_NONE: Text = (
    "Uyğun gələn bütün variantları seçin; heç biri uyğun deyilsə, boş buraxın.",
    "Выберите все подходящие варианты; если ни один не подходит, оставьте вопрос без ответа.",
    "Choose all that apply; leave it empty if none does.",
)
ALL_CORRECT: Text = ("Bütün düzgün cavabları seçin.", "Выберите все правильные ответы.", "Choose all correct answers.")

# --- Answer scales used by several questions -------------------------------------------------

YES_NO: tuple[Choice, ...] = (
    ("yes", "Bəli", "Да", "Yes"),
    ("no", "Xeyr", "Нет", "No"),
)
# The vocabulary of the 2021 data table (Table 4): BƏLİ / Xeyr / Bəzən / only some elements / Mövcud deyil.
DATA_COMPONENT: tuple[Choice, ...] = (
    ("yes", "Bəli", "Да", "Yes"),
    ("no", "Xeyr", "Нет", "No"),
    ("sometimes", "Bəli, bəzən", "Да, иногда", "Yes, sometimes"),
    ("some_elements", "Yalnız bəzi elementləri", "Только отдельные элементы", "Only some elements"),
    ("not_applicable", "Tətbiq olunmur", "Неприменимо", "Not applicable"),
)
# The wording the 2021 answers used for the SDGs ("Bəli, müəyyən dərəcədə").
GUIDANCE: tuple[Choice, ...] = (
    ("yes", "Bəli", "Да", "Yes"),
    ("to_some_extent", "Bəli, müəyyən dərəcədə", "Да, в некоторой степени", "Yes, to some extent"),
    ("no", "Xeyr", "Нет", "No"),
    ("not_applicable", "Tətbiq olunmur", "Неприменимо", "Not applicable"),
)
REGULARITY: tuple[Choice, ...] = (
    ("regularly", "Bəli, müntəzəm olaraq", "Да, регулярно", "Yes, regularly"),
    ("occasionally", "Bəli, ara-sıra", "Да, время от времени", "Yes, occasionally"),
    ("no", "Xeyr", "Нет", "No"),
)

# Likert scales: the score of each point is its position (1 to 5).
QUALITY_SCALE: tuple[Choice, ...] = (
    ("very_poor", "Çox zəif", "Очень плохо", "Very poor"),
    ("poor", "Zəif", "Плохо", "Poor"),
    ("fair", "Orta", "Удовлетворительно", "Fair"),
    ("good", "Yaxşı", "Хорошо", "Good"),
    ("excellent", "Əla", "Отлично", "Excellent"),
)
EXTENT_SCALE: tuple[Choice, ...] = (
    ("not_at_all", "Heç bir dərəcədə", "Совсем нет", "Not at all"),
    ("slightly", "Az dərəcədə", "В небольшой степени", "Slightly"),
    ("moderately", "Orta dərəcədə", "В средней степени", "Moderately"),
    ("largely", "Böyük dərəcədə", "В значительной степени", "Largely"),
    ("completely", "Tamamilə", "Полностью", "Completely"),
)
IMPACT_SCALE: tuple[Choice, ...] = (
    ("no_impact", "Heç təsir etməyib", "Не повлияла", "No impact"),
    ("slight", "Az təsir edib", "Повлияла незначительно", "Slight impact"),
    ("moderate", "Orta dərəcədə təsir edib", "Повлияла умеренно", "Moderate impact"),
    ("strong", "Güclü təsir edib", "Повлияла сильно", "Strong impact"),
    ("very_strong", "Çox güclü təsir edib", "Повлияла очень сильно", "Very strong impact"),
)
EASE_SCALE: tuple[Choice, ...] = (
    ("very_difficult", "Çox çətin", "Очень трудно", "Very difficult"),
    ("difficult", "Çətin", "Трудно", "Difficult"),
    ("neither", "Nə çətin, nə asan", "Ни трудно, ни легко", "Neither difficult nor easy"),
    ("easy", "Asan", "Легко", "Easy"),
    ("very_easy", "Çox asan", "Очень легко", "Very easy"),
)


def question(
    code: str,
    kind: str,
    text: Text,
    *,
    help_text: Text = NO_HELP,
    options: tuple[Choice, ...] | tuple[KnowledgeChoice, ...] = (),
    required: bool | None = None,
    points: int = 0,
    min_value: int | None = None,
) -> dict[str, Any]:
    """One question as data; choices are required unless said otherwise, numbers and texts are not."""
    if required is None:
        required = kind not in (QuestionKind.NUMBER, QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
    return {
        "code": code,
        "kind": kind,
        "text": text,
        "help": help_text,
        "options": options,
        "required": required,
        "points": points,
        "min_value": min_value,
    }


def priority_grid(code: str, text: Text, help_text: Text = NO_HELP, *, required: bool = True) -> dict[str, Any]:
    """The grid of the 22 thematic chapters, each rated 1-4 (or not applicable)."""
    return question(code, QuestionKind.PRIORITY_GRID, text, help_text=help_text, required=required)


NEEDS_PRIORITIES_TEXT: Text = (
    "Hər tematik fəsil üzrə təlim ehtiyaclarınızı qiymətləndirin: 4 – ən yüksək prioritet, 1 – ən aşağı prioritet.",
    "Оцените ваши потребности в обучении по каждой тематической главе: 4 — наивысший приоритет, 1 — самый низкий.",
    "Rate your training needs for each thematic chapter: 4 = highest priority, 1 = lowest priority.",
)
TRAINING_NEEDS_SECTION: Text = ("Təlim ehtiyacları", "Потребности в обучении", "Training needs")

# --- 1. Needs assessment: government bodies (2021 areas G1-G27) -------------------------------

NA_GOVERNMENT: dict[str, Any] = {
    "code": "na-government",
    "purpose": Purpose.NEEDS_ASSESSMENT,
    "audience": ("government",),
    "title": (
        "Ehtiyacların qiymətləndirilməsi: dövlət qurumları üçün sorğu",
        "Оценка потребностей: анкета для государственных органов",
        "Needs assessment: questionnaire for government bodies",
    ),
    "intro": (
        "Bu sorğu Bakıdakı Miqrasiya üzrə Regional Təlim Mərkəzinə (MRTM) təlimlərini və siyasət dialoqlarını planlaşdırmağa kömək edir. "
        "Sorğu 2021-ci ildə Beynəlxalq Miqrasiya Təşkilatı (BMqT) ilə birlikdə aparılmış ehtiyacların qiymətləndirilməsinin davamıdır. "
        "Xahiş edirik, sorğunu qurumunuzda miqrasiya siyasəti, məlumatlar və təlim üzrə məsul olan həmkarlarınızla birlikdə "
        "(funksional qrup kimi) cavablandırasınız. Cavablar ölkələr və maraqlı tərəf kateqoriyaları üzrə ümumiləşdirilir.",
        "Эта анкета помогает Региональному учебному центру по миграции в Баку планировать тренинги и политические диалоги. "
        "Она продолжает оценку потребностей, проведённую в 2021 году совместно с Международной организацией по миграции (МОМ). "
        "Просим заполнить её вместе с коллегами, отвечающими в вашем ведомстве за миграционную политику, данные и обучение "
        "(в составе функциональной группы). Ответы обобщаются по странам и категориям заинтересованных сторон.",
        "This questionnaire helps the Regional Training Centre on Migration (RTCM) in Baku plan its trainings and policy dialogues. "
        "It continues the needs assessment carried out in 2021 with the International Organization for Migration (IOM). "
        "Please answer it together with the colleagues responsible for migration policy, data and training in your institution "
        "(as a functional group). Answers are summarised by country and stakeholder category.",
    ),
    "sections": [
        {
            "title": (
                "Təsisat quruluşu və miqrasiya siyasəti",
                "Институциональная структура и миграционная политика",
                "Institutional set-up and migration policy",
            ),
            "questions": [
                question(
                    "central_body",
                    QuestionKind.SHORT_TEXT,
                    (
                        "Ölkənizdə mərkəzi miqrasiya orqanı hansı qurumdur?",
                        "Какой орган является центральным органом по вопросам миграции в вашей стране?",
                        "Which body is the central migration body of your country?",
                    ),
                    help_text=(
                        "Tam adını yazın; səlahiyyətlər bir neçə qurum arasında bölüşdürülübsə, həmin qurumları və hər birinin məsul olduğu sahəni göstərin.",
                        "Укажите полное название; если ответственность разделена между несколькими органами, назовите их и сферу ведения каждого.",
                        "Give its full name; if responsibility is shared, name the bodies and what each of them covers.",
                    ),
                    required=True,
                ),
                question(
                    "migration_strategy",
                    QuestionKind.SINGLE,
                    (
                        "Ölkənizdə qüvvədə olan hərtərəfli miqrasiya siyasəti və ya strategiyası varmı?",
                        "Действует ли в вашей стране комплексная миграционная политика или стратегия?",
                        "Does your country have a comprehensive migration policy or strategy in force?",
                    ),
                    options=(
                        ("yes", "Bəli", "Да", "Yes"),
                        ("being_drafted", "Hazırlanma mərhələsindədir", "Находится в разработке", "It is being drafted"),
                        ("no", "Xeyr", "Нет", "No"),
                    ),
                ),
                question(
                    "policy_documents",
                    QuestionKind.LONG_TEXT,
                    (
                        "Miqrasiya siyasətinin və ya strategiyasının adını, qəbul tarixini və onu təsdiq edən aktı, həmçinin miqrasiyaya aid "
                        "sahəvi siyasətləri, strategiyaları və fəaliyyət planlarını göstərin.",
                        "Укажите миграционную политику или стратегию (название, дату, утвердивший её акт), а также отраслевые политики, "
                        "стратегии и планы действий, касающиеся миграции.",
                        "Name the migration policy or strategy (title, date, the act that approved it) and the sector policies, strategies "
                        "and action plans that concern migration.",
                    ),
                ),
            ],
        },
        {
            "title": (
                "Davamlı İnkişaf Məqsədləri və Qlobal Saziş",
                "Цели устойчивого развития и Глобальный договор",
                "Sustainable Development Goals and the Global Compact",
            ),
            "questions": [
                question(
                    "sdg_guidance",
                    QuestionKind.SINGLE,
                    (
                        "Ölkənizdə miqrasiya siyasəti hazırlanarkən Davamlı İnkişaf Məqsədləri (DİM) əsas götürülürmü?",
                        "Учитываются ли Цели устойчивого развития (ЦУР) при выработке миграционной политики в вашей стране?",
                        "Do the Sustainable Development Goals (SDGs) guide migration policy making in your country?",
                    ),
                    options=GUIDANCE,
                ),
                question(
                    "sdg_targets",
                    QuestionKind.SHORT_TEXT,
                    (
                        "Hansı məqsəd və hədəflər əsas götürülür?",
                        "Какие цели и задачи учитываются?",
                        "Which goals and targets are used?",
                    ),
                    help_text=(
                        "Məsələn, 10.7 (yaxşı idarə olunan miqrasiya siyasəti), 8.8 (miqrant işçilərin əmək hüquqları), 16.2 (uşaq alveri).",
                        "Например, 10.7 (хорошо продуманная миграционная политика), 8.8 (трудовые права трудящихся-мигрантов), 16.2 (торговля детьми).",
                        "For example 10.7 (well-managed migration policies), 8.8 (labour rights of migrant workers), 16.2 (trafficking of children).",
                    ),
                ),
                question(
                    "gcm_guidance",
                    QuestionKind.SINGLE,
                    (
                        "Ölkənizdə miqrasiya siyasəti hazırlanarkən Təhlükəsiz, Nizamlı və Qanuni Miqrasiya üzrə Qlobal Saziş əsas götürülürmü?",
                        "Учитывается ли Глобальный договор о безопасной, упорядоченной и легальной миграции при выработке миграционной политики в вашей стране?",
                        "Does the Global Compact for Safe, Orderly and Regular Migration (GCM) guide migration policy making in your country?",
                    ),
                    options=GUIDANCE,
                ),
            ],
        },
        {
            "title": (
                "Siyasətin və qanunvericiliyin həyata keçirilməsində çətinliklər",
                "Трудности в реализации политики и законодательства",
                "Challenges in implementing policy and legislation",
            ),
            "questions": [
                # The checklist of 2021 (Table 3): the values are the table's column names.
                question(
                    "challenges",
                    QuestionKind.MULTIPLE,
                    (
                        "Ölkənizdə miqrasiya siyasətinin və qanunvericiliyinin həyata keçirilməsində əsas çətinliklər hansılardır?",
                        "Каковы основные трудности в реализации миграционной политики и законодательства в вашей стране?",
                        "What are the main challenges in implementing migration policy and legislation in your country?",
                    ),
                    help_text=ALL_THAT_APPLY,
                    options=(
                        ("covid_crisis", "COVID-19 böhranı", "Кризис, вызванный COVID-19", "The COVID-19 crisis"),
                        (
                            "lack_financial_resources",
                            "Maliyyə resurslarının çatışmazlığı",
                            "Нехватка финансовых ресурсов",
                            "Lack of financial resources",
                        ),
                        (
                            "lack_qualified_staff",
                            "Tam ixtisaslı kadrların çatışmazlığı",
                            "Нехватка полностью квалифицированных кадров",
                            "Lack of fully qualified staff",
                        ),
                        (
                            "coordination_gaps",
                            "Koordinasiya mexanizmlərində boşluqlar",
                            "Пробелы в механизмах координации",
                            "Gaps in coordination mechanisms",
                        ),
                        (
                            "insufficient_regional_cooperation",
                            "Regional əməkdaşlığın kifayət qədər olmaması",
                            "Недостаточное региональное сотрудничество",
                            "Insufficient regional cooperation",
                        ),
                        (
                            "insufficient_policy_development",
                            "Bəzi sahələrdə siyasətin kifayət qədər işlənməməsi",
                            "Недостаточная проработка политики в отдельных областях",
                            "Insufficient policy development in some areas",
                        ),
                        (
                            "lack_technical_capacity",
                            "Texniki imkanların çatışmazlığı",
                            "Нехватка технического потенциала",
                            "Lack of technical capacity",
                        ),
                        ("geopolitical_situation", "Geosiyasi vəziyyət", "Геополитическая ситуация", "The geopolitical situation"),
                    ),
                ),
            ],
        },
        {
            "title": ("Koordinasiya və əməkdaşlıq", "Координация и сотрудничество", "Coordination and cooperation"),
            "questions": [
                question(
                    "coordination_mechanism",
                    QuestionKind.SINGLE,
                    (
                        "Miqrasiya üzrə rəsmi idarələrarası koordinasiya mexanizmi (məsələn, dövlət komissiyası və ya işçi qrup) mövcuddurmu?",
                        "Существует ли официальный межведомственный механизм координации по вопросам миграции (например, государственная комиссия или рабочая группа)?",
                        "Is there a formal inter-agency coordination mechanism on migration (for example a state commission or a working group)?",
                    ),
                    options=(
                        (
                            "yes_with_local",
                            "Bəli, regional və yerli hakimiyyət orqanlarının iştirakı ilə",
                            "Да, с участием региональных и местных органов власти",
                            "Yes, including regional and local authorities",
                        ),
                        (
                            "yes_central_only",
                            "Bəli, yalnız mərkəzi qurumlar arasında",
                            "Да, только между центральными органами",
                            "Yes, among central bodies only",
                        ),
                        ("no", "Xeyr", "Нет", "No"),
                    ),
                ),
                question(
                    "cso_participation",
                    QuestionKind.SINGLE,
                    (
                        "Vətəndaş cəmiyyəti təşkilatları miqrasiya siyasətinin hazırlanmasında müəyyən edilmiş mexanizm (ictimai şura, "
                        "layihələr üzrə məsləhətləşmələr) vasitəsilə iştirak edirlərmi?",
                        "Участвуют ли организации гражданского общества в выработке миграционной политики через установленный механизм "
                        "(общественный совет, консультации по проектам документов)?",
                        "Do civil-society organisations take part in migration policy making through an established mechanism "
                        "(a public council, consultations on drafts)?",
                    ),
                    options=REGULARITY,
                ),
                question(
                    "partners",
                    QuestionKind.MULTIPLE,
                    (
                        "Qurumunuz miqrasiya məsələləri üzrə dövlət sektorundan kənar hansı tərəfdaşlarla əməkdaşlıq edir?",
                        "С какими партнёрами вне государственного сектора ваше ведомство сотрудничает по вопросам миграции?",
                        "With which partners outside government does your institution cooperate on migration?",
                    ),
                    help_text=ALL_THAT_APPLY_OR_NONE,
                    required=False,
                    options=(
                        (
                            "international_organisations",
                            "BMqT və digər beynəlxalq təşkilatlar",
                            "МОМ и другие международные организации",
                            "IOM and other international organisations",
                        ),
                        ("ngos", "Qeyri-hökumət təşkilatları", "Неправительственные организации", "Non-governmental organisations"),
                        (
                            "migrant_associations",
                            "Miqrant və diaspor birlikləri",
                            "Объединения мигрантов и диаспоры",
                            "Migrant and diaspora associations",
                        ),
                        (
                            "private_sector",
                            "Özəl sektor (işəgötürənlər, biznes birlikləri)",
                            "Частный сектор (работодатели, бизнес-ассоциации)",
                            "Private sector (employers, business associations)",
                        ),
                        (
                            "higher_education",
                            "Ali təhsil və tədqiqat müəssisələri",
                            "Вузы и исследовательские центры",
                            "Higher-education and research institutions",
                        ),
                        ("media", "Media qurumları", "Средства массовой информации", "Media organisations"),
                    ),
                ),
                question(
                    "cooperation_details",
                    QuestionKind.LONG_TEXT,
                    (
                        "Koordinasiya və əməkdaşlığı təsvir edin: mexanizmin necə işlədiyini, BMqT və digər beynəlxalq təşkilatlarla "
                        "əməkdaşlığı, əsaslandığınız beynəlxalq normaları (insan hüquqları üzrə müqavilələr, CEDAW, İşgəncələr əleyhinə "
                        "Konvensiya, Qaçqınların statusu haqqında 1951-ci il Konvensiyası) və QHT-lərin maliyyələşdirilməsini.",
                        "Опишите координацию и сотрудничество: как работает механизм, сотрудничество с МОМ и другими международными "
                        "организациями, международные нормы, на которые вы опираетесь (договоры по правам человека, КЛДЖ, Конвенция "
                        "против пыток, Конвенция о статусе беженцев 1951 года), и финансирование НПО.",
                        "Describe coordination and cooperation: how the mechanism works, cooperation with IOM and other international "
                        "organisations, the international norms you rely on (human rights treaties, CEDAW, the Convention against "
                        "Torture, the 1951 Refugee Convention) and any funding of NGOs.",
                    ),
                ),
            ],
        },
        {
            "title": ("Qanunvericilik", "Законодательство", "Legislation"),
            "questions": [
                question(
                    "legislation_gaps",
                    QuestionKind.SINGLE,
                    (
                        "Ölkənizin miqrasiya qanunvericiliyində boşluqlar görürsünüzmü?",
                        "Видите ли вы пробелы в миграционном законодательстве вашей страны?",
                        "Do you see gaps in your country's migration legislation?",
                    ),
                    options=(
                        ("significant", "Bəli, əhəmiyyətli boşluqlar var", "Да, есть существенные пробелы", "Yes, significant gaps"),
                        ("some", "Bəli, bəzi boşluqlar var", "Да, есть отдельные пробелы", "Yes, some gaps"),
                        ("none", "Xeyr, əhəmiyyətli boşluq yoxdur", "Нет, существенных пробелов нет", "No significant gaps"),
                    ),
                ),
                question(
                    "legislation_details",
                    QuestionKind.LONG_TEXT,
                    (
                        "Qanunvericiliyin hansı sahələri inkişaf etdirilməli və ya beynəlxalq standartlara uyğunlaşdırılmalıdır?",
                        "Какие области законодательства нуждаются в развитии или приведении в соответствие с международными стандартами?",
                        "Which areas of the legislation need to be developed or brought in line with international standards?",
                    ),
                ),
            ],
        },
        {
            # The components of 2021 (Table 4): the codes are the table's column names.
            "title": ("Məlumatların toplanması və təhlili", "Сбор и анализ данных", "Data collection and analysis"),
            "questions": [
                question(
                    "data_unit",
                    QuestionKind.SINGLE,
                    (
                        "Miqrasiya məlumatlarının toplanması və təhlili ilə məşğul olan xüsusi struktur bölmə varmı?",
                        "Есть ли специальное подразделение по сбору и анализу миграционных данных?",
                        "Is there a unit dedicated to collecting and analysing migration data?",
                    ),
                    options=DATA_COMPONENT,
                ),
                question(
                    "analyst_pool",
                    QuestionKind.SINGLE,
                    (
                        "İxtisaslı məlumat analitiklərindən ibarət kadr ehtiyatı varmı?",
                        "Имеется ли штат квалифицированных аналитиков данных?",
                        "Is there a pool of qualified data analysts?",
                    ),
                    options=DATA_COMPONENT,
                ),
                question(
                    "migration_profile",
                    QuestionKind.SINGLE,
                    (
                        "Ölkənizin miqrasiya profili varmı?",
                        "Есть ли у вашей страны миграционный профиль?",
                        "Does your country have a migration profile?",
                    ),
                    help_text=(
                        "Miqrasiya meylləri və siyasəti haqqında müntəzəm yenilənən hesabat; geniş miqrasiya profili (GMP) də nəzərə alınır.",
                        "Регулярно обновляемый доклад о миграционных тенденциях и политике; расширенный миграционный профиль также учитывается.",
                        "A regularly updated report on migration trends and policies; an extended migration profile (EMP) also counts.",
                    ),
                    options=DATA_COMPONENT,
                ),
                question(
                    "gender_disaggregated",
                    QuestionKind.SINGLE,
                    (
                        "Miqrasiya məlumatları cins üzrə bölgü ilə toplanırmı?",
                        "Собираются ли миграционные данные в разбивке по полу?",
                        "Are migration data disaggregated by sex?",
                    ),
                    options=DATA_COMPONENT,
                ),
                question(
                    "interagency_data_agreement",
                    QuestionKind.SINGLE,
                    (
                        "Qurumlar arasında miqrasiya məlumatlarının mübadiləsi haqqında razılaşma varmı?",
                        "Существует ли соглашение об обмене миграционными данными между ведомствами?",
                        "Is there an agreement between agencies on exchanging migration data?",
                    ),
                    options=DATA_COMPONENT,
                ),
                question(
                    "data_protection",
                    QuestionKind.SINGLE,
                    (
                        "Miqrasiya qeydiyyatında şəxsi məlumatların qorunması sistemi varmı?",
                        "Существует ли система защиты персональных данных в миграционном учёте?",
                        "Is there a system protecting personal data in migration records?",
                    ),
                    options=DATA_COMPONENT,
                ),
                question(
                    "published_stats",
                    QuestionKind.SINGLE,
                    (
                        "Miqrasiya üzrə statistik hesabatlar dərc olunurmu?",
                        "Публикуются ли статистические отчёты о миграции?",
                        "Are statistical reports on migration published?",
                    ),
                    options=DATA_COMPONENT,
                ),
                question(
                    "stats_frequency",
                    QuestionKind.MULTIPLE,
                    (
                        "Miqrasiya üzrə statistik hesabatlar hansı tezliklə hazırlanır?",
                        "Как часто готовятся статистические отчёты о миграции?",
                        "How often are statistical reports on migration prepared?",
                    ),
                    help_text=ALL_THAT_APPLY_OR_NONE,
                    required=False,
                    options=(
                        ("annual", "İllik", "Ежегодно", "Annually"),
                        ("quarterly", "Rüblük", "Ежеквартально", "Quarterly"),
                        ("monthly", "Aylıq", "Ежемесячно", "Monthly"),
                    ),
                ),
            ],
        },
        {
            "title": (
                "Qlobal Saziş və Avropa İttifaqı ilə əməkdaşlıq çərçivələri",
                "Глобальный договор и рамки сотрудничества с Европейским союзом",
                "The Global Compact and EU cooperation frameworks",
            ),
            "questions": [
                question(
                    "gcm_participation",
                    QuestionKind.MULTIPLE,
                    (
                        "Aşağıdakılardan hansılar ölkənizin Miqrasiya üzrə Qlobal Sazişdə iştirakına aiddir?",
                        "Что из перечисленного относится к участию вашей страны в Глобальном договоре о миграции?",
                        "Which of the following apply to your country's engagement with the Global Compact for Migration?",
                    ),
                    help_text=ALL_THAT_APPLY_OR_NONE,
                    required=False,
                    options=(
                        (
                            "gcm_endorsed",
                            "Ölkə 2018-ci ildə Qlobal Sazişin qəbuluna qoşulub",
                            "Страна поддержала принятие Глобального договора в 2018 году",
                            "The country endorsed the Global Compact in 2018",
                        ),
                        (
                            "unnm_member",
                            "Ölkədə BMT-nin Miqrasiya Şəbəkəsi fəaliyyət göstərir",
                            "В стране действует Сеть ООН по миграции",
                            "A UN Network on Migration is active in the country",
                        ),
                        (
                            "gcm_country_report",
                            "Qlobal Sazişin icrası üzrə ölkə hesabatı (könüllü milli icmal) hazırlanıb",
                            "Подготовлен страновой доклад (добровольный национальный обзор) о выполнении Глобального договора",
                            "A country report (voluntary national review) on implementing the Global Compact has been prepared",
                        ),
                    ),
                ),
                question(
                    "eu_frameworks",
                    QuestionKind.MULTIPLE,
                    (
                        "Ölkəniz Avropa İttifaqı ilə hansı əməkdaşlıq çərçivələrində və miqrasiya üzrə hansı regional proseslərdə iştirak edir?",
                        "В каких рамках сотрудничества с Европейским союзом и региональных процессах по миграции участвует ваша страна?",
                        "In which cooperation frameworks with the European Union and regional processes on migration does your country take part?",
                    ),
                    help_text=ALL_THAT_APPLY_OR_NONE,
                    required=False,
                    options=(
                        ("eastern_partnership", "Şərq Tərəfdaşlığı", "Восточное партнёрство", "Eastern Partnership"),
                        ("mobility_partnership", "Hərəkətlilik Tərəfdaşlığı", "Партнёрство в сфере мобильности", "Mobility Partnership"),
                        ("association_agreement", "Assosiasiya Sazişi", "Соглашение об ассоциации", "Association Agreement"),
                        (
                            "dcfta",
                            "Dərin və Hərtərəfli Azad Ticarət Zonası (DCFTA)",
                            "Углублённая и всеобъемлющая зона свободной торговли (DCFTA)",
                            "Deep and Comprehensive Free Trade Area (DCFTA)",
                        ),
                        (
                            "visa_liberalisation",
                            "Vizaların liberallaşdırılması üzrə dialoq",
                            "Диалог о либерализации визового режима",
                            "Visa liberalisation dialogue",
                        ),
                        (
                            "visa_facilitation",
                            "Viza rejiminin sadələşdirilməsi haqqında saziş",
                            "Соглашение об упрощении визового режима",
                            "Visa facilitation agreement",
                        ),
                        (
                            "readmission_agreement",
                            "Aİ ilə readmissiya haqqında saziş",
                            "Соглашение о реадмиссии с ЕС",
                            "Readmission agreement with the EU",
                        ),
                        (
                            "pca",
                            "Tərəfdaşlıq və Əməkdaşlıq Sazişi",
                            "Соглашение о партнёрстве и сотрудничестве",
                            "Partnership and Cooperation Agreement",
                        ),
                        (
                            "eubam",
                            "Aİ-nin Sərhəddə Yardım Missiyası (EUBAM)",
                            "Миссия ЕС по приграничной помощи (EUBAM)",
                            "EU Border Assistance Mission (EUBAM)",
                        ),
                        (
                            "bomca",
                            "Mərkəzi Asiyada Sərhəd İdarəçiliyi Proqramı (BOMCA)",
                            "Программа содействия управлению границами в Центральной Азии (BOMCA)",
                            "Border Management Programme in Central Asia (BOMCA)",
                        ),
                        ("black_sea_synergy", "Qara Dəniz Sinerjisi", "Черноморская синергия", "Black Sea Synergy"),
                        ("budapest_process", "Budapeşt Prosesi", "Будапештский процесс", "Budapest Process"),
                        ("prague_process", "Praqa Prosesi", "Пражский процесс", "Prague Process"),
                    ),
                ),
            ],
        },
        {
            "title": ("Media ilə əməkdaşlıq", "Сотрудничество со СМИ", "Cooperation with the media"),
            "questions": [
                question(
                    "public_information_strategy",
                    QuestionKind.SINGLE,
                    (
                        "Qurumunuzun miqrasiya üzrə ictimaiyyətin məlumatlandırılması strategiyası varmı?",
                        "Есть ли у вашего ведомства стратегия информирования общественности по вопросам миграции?",
                        "Does your institution have a public information strategy on migration?",
                    ),
                    options=YES_NO,
                ),
                question(
                    "media_briefings",
                    QuestionKind.SINGLE,
                    (
                        "Jurnalistlər üçün miqrasiya mövzusunda müntəzəm brifinqlər keçirilməsi mexanizmi varmı?",
                        "Существует ли механизм регулярных брифингов для журналистов по вопросам миграции?",
                        "Is there a mechanism for regular briefings of journalists on migration?",
                    ),
                    options=YES_NO,
                ),
                # The three-level judgement of 2021 (L5714-L5726).
                question(
                    "media_quality",
                    QuestionKind.SINGLE,
                    (
                        "Sizcə, ölkənizdə medianın miqrasiya mövzusunu işıqlandırması real vəziyyəti necə əks etdirir?",
                        "Как, по вашему мнению, освещение миграции в СМИ вашей страны отражает реальную ситуацию?",
                        "In your view, how well does media coverage of migration in your country reflect the situation?",
                    ),
                    options=(
                        ("well", "Vəziyyəti yaxşı əks etdirir", "Хорошо отражает ситуацию", "It reflects the situation well"),
                        (
                            "mixed",
                            "Fərqlidir: bəzi media yaxşı, bəziləri zəif əks etdirir",
                            "По-разному: одни СМИ отражают её хорошо, другие плохо",
                            "It is mixed: some media reflect it well, others poorly",
                        ),
                        ("poorly", "Ümumilikdə zəif əks etdirir", "В целом отражает её плохо", "It generally reflects it poorly"),
                    ),
                ),
            ],
        },
        {
            "title": ("Təlim sistemi", "Система обучения", "Training system"),
            "questions": [
                question(
                    "training_institution",
                    QuestionKind.SINGLE,
                    (
                        "Qurumunuzun miqrasiya üzrə kurslar keçirən öz təlim mərkəzi və ya akademiyası varmı?",
                        "Есть ли у вашего ведомства собственный учебный центр или академия с курсами по миграции?",
                        "Does your institution have its own training centre or academy with courses on migration?",
                    ),
                    options=YES_NO,
                ),
                question(
                    "foreign_trainees",
                    QuestionKind.SINGLE,
                    (
                        "Təlim kurslarınız digər ölkələrdən olan iştirakçılar üçün açıqdırmı?",
                        "Открыты ли ваши учебные курсы для слушателей из других стран?",
                        "Are your training courses open to trainees from other countries?",
                    ),
                    options=YES_NO,
                ),
                question(
                    "training_plan",
                    QuestionKind.SINGLE,
                    (
                        "Miqrasiya sahəsində çalışan əməkdaşlar üçün təlim planı varmı?",
                        "Есть ли план обучения сотрудников, работающих в сфере миграции?",
                        "Is there a training plan for staff working on migration?",
                    ),
                    options=(
                        (
                            "approved",
                            "Bəli, hökumət tərəfindən təsdiq edilib",
                            "Да, утверждён правительством",
                            "Yes, approved by the government",
                        ),
                        (
                            "internal",
                            "Bəli, qurumun daxili planıdır",
                            "Да, внутренний план ведомства",
                            "Yes, an internal plan of the institution",
                        ),
                        ("no", "Xeyr", "Нет", "No"),
                    ),
                ),
                question(
                    "human_rights_gender",
                    QuestionKind.SINGLE,
                    (
                        "Təlimlər insan hüquqları və gender bərabərliyi mövzularını əhatə edirmi?",
                        "Охватывает ли обучение вопросы прав человека и гендерного равенства?",
                        "Do the trainings cover human rights and gender equality?",
                    ),
                    options=YES_NO,
                ),
                question(
                    "gender_access",
                    QuestionKind.SINGLE,
                    (
                        "Qadınların və kişilərin təlimlərə bərabər çıxışını təmin edən mexanizm varmı?",
                        "Существует ли механизм, обеспечивающий женщинам и мужчинам равный доступ к обучению?",
                        "Is there a mechanism ensuring women and men equal access to training?",
                    ),
                    options=YES_NO,
                ),
                question(
                    "training_budget",
                    QuestionKind.SINGLE,
                    ("Təlimlər necə maliyyələşdirilir?", "Как финансируется обучение?", "How are the trainings funded?"),
                    options=(
                        (
                            "state_budget",
                            "Dövlət büdcəsində ayrıca nəzərdə tutulmuş vəsait hesabına",
                            "Из отдельной статьи государственного бюджета",
                            "From a dedicated state budget",
                        ),
                        (
                            "international",
                            "Əsasən beynəlxalq təşkilatlar hesabına",
                            "В основном за счёт международных организаций",
                            "Mainly by international organisations",
                        ),
                        ("both", "Hər iki mənbədən", "Из обоих источников", "From both sources"),
                        ("no_funding", "Müntəzəm maliyyələşdirmə yoxdur", "Регулярного финансирования нет", "There is no regular funding"),
                    ),
                ),
                question(
                    "tot_system",
                    QuestionKind.SINGLE,
                    (
                        "Təlimçilərin təlimi (TT) sistemi varmı?",
                        "Существует ли система подготовки тренеров (ToT)?",
                        "Is there a training-of-trainers (ToT) system?",
                    ),
                    options=YES_NO,
                ),
                question(
                    "annual_trainees",
                    QuestionKind.NUMBER,
                    (
                        "Hər il təxminən neçə əməkdaş miqrasiya mövzularında təlim keçir?",
                        "Сколько примерно сотрудников ежегодно проходят обучение по вопросам миграции?",
                        "About how many staff are trained on migration topics each year?",
                    ),
                    min_value=0,
                ),
                question(
                    "trainee_stats_gender",
                    QuestionKind.SINGLE,
                    (
                        "Təlim iştirakçılarının statistikası cins üzrə bölgü ilə aparılırmı?",
                        "Ведётся ли статистика слушателей в разбивке по полу?",
                        "Are statistics of trainees kept by sex?",
                    ),
                    options=YES_NO,
                ),
                question(
                    "course_evaluation",
                    QuestionKind.SINGLE,
                    (
                        "İştirakçılar hər kursu sonunda qiymətləndirirlərmi (qiymətləndirmə formaları, bal cədvəlləri)?",
                        "Оценивают ли слушатели каждый курс по его окончании (анкеты оценки, оценочные листы)?",
                        "Do trainees evaluate each course at its end (evaluation forms, score sheets)?",
                    ),
                    options=YES_NO,
                ),
                question(
                    "impact_assessment",
                    QuestionKind.SINGLE,
                    (
                        "Təlimlərin əməkdaşların işinə və ya miqrantlara göstərilən xidmətlərə təsiri qiymətləndirilirmi?",
                        "Оценивается ли влияние обучения на работу сотрудников или на услуги для мигрантов?",
                        "Is the impact of trainings on staff's work or on services to migrants assessed?",
                    ),
                    options=YES_NO,
                ),
                question(
                    "study_visits",
                    QuestionKind.NUMBER,
                    (
                        "Son üç ildə əməkdaşlarınız xaricə neçə təlim səfəri ediblər?",
                        "Сколько ознакомительных визитов за рубеж совершили ваши сотрудники за последние три года?",
                        "How many study visits abroad did your staff make in the last three years?",
                    ),
                    min_value=0,
                ),
                question(
                    "training_details",
                    QuestionKind.LONG_TEXT,
                    (
                        "Son üç ildə keçirilmiş və alınmış təlimləri, hazırlanmış təlimat kitablarını və təlim materiallarını, həmçinin "
                        "tvinninq layihələrini sadalayın (mövzular, təşkilatçılar, hədəf auditoriya).",
                        "Перечислите проведённые и пройденные за последние три года тренинги, подготовленные пособия и учебные материалы, "
                        "а также твиннинговые проекты (темы, организаторы, целевая аудитория).",
                        "List the trainings given and received, the handbooks and training materials produced and the twinning projects "
                        "of the last three years (topics, providers, audiences).",
                    ),
                ),
            ],
        },
        {
            "title": ("Qabaqcıl təcrübələr", "Передовой опыт", "Good practices"),
            "questions": [
                question(
                    "good_practices",
                    QuestionKind.LONG_TEXT,
                    (
                        "Ölkəniz regionun digər ölkələri ilə hansı qabaqcıl təcrübələri bölüşə bilər?",
                        "Каким передовым опытом ваша страна могла бы поделиться с другими странами региона?",
                        "Which good practices could your country share with the other countries of the region?",
                    ),
                ),
            ],
        },
        {
            "title": TRAINING_NEEDS_SECTION,
            "questions": [
                priority_grid(
                    PRIORITY_QUESTION_CODE,
                    NEEDS_PRIORITIES_TEXT,
                    (
                        "Fəsil qurumunuzun işinə aid deyilsə, onu boş buraxmayın, aid olmayan kimi qeyd edin.",
                        "Если глава не относится к работе вашего ведомства, не оставляйте её пустой, а отметьте как неприменимую.",
                        "If a chapter does not concern your institution's work, mark it as not applicable rather than leaving it empty.",
                    ),
                ),
            ],
        },
    ],
}

# --- 2. Needs assessment: civil-society organisations ----------------------------------------

NA_CSO: dict[str, Any] = {
    "code": "na-cso",
    "purpose": Purpose.NEEDS_ASSESSMENT,
    "audience": ("cso",),
    "title": (
        "Ehtiyacların qiymətləndirilməsi: vətəndaş cəmiyyəti təşkilatları üçün sorğu",
        "Оценка потребностей: анкета для организаций гражданского общества",
        "Needs assessment: questionnaire for civil-society organisations",
    ),
    "intro": (
        "Bakıdakı Miqrasiya üzrə Regional Təlim Mərkəzi (MRTM) qeyri-hökumət təşkilatlarından, miqrant və diaspor birliklərindən, "
        "hüquq klinikalarından və digər vətəndaş cəmiyyəti təşkilatlarından miqrantlarla işləri və təlim ehtiyacları barədə soruşur. "
        "Cavablarınız Mərkəzə dövlət qurumlarını və vətəndaş cəmiyyətini bir araya gətirən təlimləri planlaşdırmağa kömək edəcək.",
        "Региональный учебный центр по миграции в Баку спрашивает неправительственные организации, объединения мигрантов и "
        "диаспоры, юридические клиники и другие организации гражданского общества об их работе с мигрантами и потребностях в "
        "обучении. Ваши ответы помогут Центру планировать тренинги, объединяющие государственные органы и гражданское общество.",
        "The Regional Training Centre on Migration (RTCM) in Baku asks non-governmental organisations, migrant and diaspora "
        "associations, legal clinics and other civil-society organisations about their work with migrants and their training needs. "
        "Your answers help the Centre plan trainings that bring government bodies and civil society together.",
    ),
    "sections": [
        {
            "title": ("Təşkilatınız", "Ваша организация", "Your organisation"),
            "questions": [
                question(
                    "organisation_type",
                    QuestionKind.SINGLE,
                    ("Təşkilatınız hansı növdəndir?", "К какому типу относится ваша организация?", "What kind of organisation is yours?"),
                    options=(
                        ("ngo", "Qeyri-hökumət təşkilatı", "Неправительственная организация", "Non-governmental organisation"),
                        ("migrant_association", "Miqrant birliyi", "Объединение мигрантов", "Migrant association"),
                        ("diaspora_association", "Diaspor birliyi", "Объединение диаспоры", "Diaspora association"),
                        ("legal_clinic", "Hüquq klinikası", "Юридическая клиника", "Legal clinic"),
                        ("faith_based", "Dini təşkilat", "Религиозная организация", "Faith-based organisation"),
                        ("other", "Digər", "Другое", "Other"),
                    ),
                ),
                question(
                    "target_groups",
                    QuestionKind.MULTIPLE,
                    (
                        "Təşkilatınız miqrantların hansı qrupları ilə işləyir?",
                        "С какими группами мигрантов работает ваша организация?",
                        "Which groups of migrants does your organisation work with?",
                    ),
                    help_text=ALL_THAT_APPLY,
                    options=(
                        ("labour_migrants", "Əmək miqrantları", "Трудовые мигранты", "Labour migrants"),
                        ("refugees", "Qaçqınlar və sığınacaq axtaranlar", "Беженцы и лица, ищущие убежища", "Refugees and asylum seekers"),
                        ("stateless", "Vətəndaşlığı olmayan şəxslər", "Лица без гражданства", "Stateless persons"),
                        ("idps", "Məcburi köçkünlər", "Внутренне перемещённые лица", "Internally displaced persons"),
                        ("returnees", "Ölkəyə qayıdan miqrantlar", "Вернувшиеся мигранты", "Returning migrants"),
                        ("trafficking_victims", "İnsan alverinin qurbanları", "Жертвы торговли людьми", "Victims of trafficking"),
                        ("women", "Miqrant qadınlar", "Женщины-мигранты", "Migrant women"),
                        (
                            "children",
                            "Miqrant uşaqlar, o cümlədən müşayiət olunmayan azyaşlılar",
                            "Дети-мигранты, в том числе несопровождаемые несовершеннолетние",
                            "Migrant children, including unaccompanied minors",
                        ),
                        (
                            "families_left_behind",
                            "Miqrantların vətəndə qalan ailələri",
                            "Оставшиеся на родине семьи мигрантов",
                            "Families of migrants who stay behind",
                        ),
                    ),
                ),
            ],
        },
        {
            "title": (
                "Dövlət qurumları ilə əməkdaşlıq və siyasətin hazırlanması",
                "Сотрудничество с государственными органами и выработка политики",
                "Cooperation with government and policy making",
            ),
            "questions": [
                question(
                    "government_cooperation",
                    QuestionKind.SINGLE,
                    (
                        "Təşkilatınızın miqrasiya məsələləri üzrə dövlət qurumları ilə əməkdaşlığını necə xarakterizə edərdiniz?",
                        "Как бы вы охарактеризовали сотрудничество вашей организации с государственными органами по вопросам миграции?",
                        "How would you describe your organisation's cooperation with government bodies on migration?",
                    ),
                    options=(
                        ("regular", "Müntəzəm və rəsmi əsaslarla", "Регулярное, на официальной основе", "Regular and formalised"),
                        (
                            "occasional",
                            "Ara-sıra, konkret məsələlər üzrə",
                            "Эпизодическое, по отдельным вопросам",
                            "Occasional, on specific issues",
                        ),
                        ("none", "Faktiki olaraq yoxdur", "Практически отсутствует", "Practically none"),
                    ),
                ),
                question(
                    "policy_participation",
                    QuestionKind.SINGLE,
                    (
                        "Son üç ildə təşkilatınız miqrasiya siyasətinin və ya qanunvericiliyinin hazırlanmasında yaxud müzakirəsində iştirak edibmi?",
                        "Участвовала ли ваша организация за последние три года в разработке или обсуждении миграционной политики или законодательства?",
                        "In the last three years, has your organisation taken part in drafting or discussing migration policy or legislation?",
                    ),
                    options=(
                        ("several_times", "Bəli, bir neçə dəfə", "Да, несколько раз", "Yes, several times"),
                        ("once", "Bəli, bir dəfə", "Да, один раз", "Yes, once"),
                        ("no", "Xeyr", "Нет", "No"),
                    ),
                ),
                question(
                    "participation_channels",
                    QuestionKind.MULTIPLE,
                    (
                        "Təşkilatınız hansı kanallar vasitəsilə siyasətin hazırlanmasında iştirak edə bilir?",
                        "По каким каналам ваша организация может участвовать в выработке политики?",
                        "Through which channels can your organisation take part in policy making?",
                    ),
                    help_text=ALL_THAT_APPLY,
                    options=(
                        (
                            "public_council",
                            "Dövlət qurumu yanında ictimai şura",
                            "Общественный совет при государственном органе",
                            "A public council of a government body",
                        ),
                        (
                            "consultations",
                            "Layihələr üzrə ictimai məsləhətləşmələr",
                            "Общественные консультации по проектам документов",
                            "Public consultations on drafts",
                        ),
                        ("working_groups", "İdarələrarası işçi qruplar", "Межведомственные рабочие группы", "Inter-agency working groups"),
                        (
                            "written_proposals",
                            "Yazılı təkliflər və rəylər",
                            "Письменные предложения и отзывы",
                            "Written proposals and comments",
                        ),
                        ("no_channel", "Belə kanal yoxdur", "Таких каналов нет", "There is no such channel"),
                    ),
                ),
                question(
                    "cooperation_improvements",
                    QuestionKind.LONG_TEXT,
                    (
                        "Miqrasiya sahəsində vətəndaş cəmiyyəti ilə dövlət qurumları arasında əməkdaşlığı nə yaxşılaşdırardı?",
                        "Что могло бы улучшить сотрудничество гражданского общества и государственных органов в сфере миграции?",
                        "What would improve cooperation between civil society and government bodies on migration?",
                    ),
                ),
            ],
        },
        {
            "title": ("Miqrantlara göstərilən xidmətlər", "Услуги для мигрантов", "Services to migrants"),
            "questions": [
                question(
                    "services",
                    QuestionKind.MULTIPLE,
                    (
                        "Təşkilatınız miqrantlara hansı xidmətləri göstərir?",
                        "Какие услуги ваша организация оказывает мигрантам?",
                        "Which services does your organisation provide to migrants?",
                    ),
                    help_text=ALL_THAT_APPLY,
                    options=(
                        ("psycho_social", "Psixoloji-sosial dəstək", "Психосоциальная поддержка", "Psycho-social support"),
                        ("legal", "Hüquqi məsləhət və yardım", "Юридические консультации и помощь", "Legal counselling and aid"),
                        ("humanitarian", "Humanitar yardım", "Гуманитарная помощь", "Humanitarian aid"),
                        ("shelter", "Sığınacaq və müvəqqəti yaşayış yeri", "Приют и временное жильё", "Shelter and temporary housing"),
                        (
                            "health",
                            "Tibbi yardım almaqda köməklik",
                            "Содействие в получении медицинской помощи",
                            "Help with access to health care",
                        ),
                        ("language_courses", "Dil kursları", "Языковые курсы", "Language courses"),
                        (
                            "employment",
                            "Məşğulluq və peşə hazırlığı",
                            "Трудоустройство и профессиональная подготовка",
                            "Employment and vocational training",
                        ),
                        (
                            "information",
                            "Hüquq və vəzifələr barədə məlumatlandırma, qaynar xətlər",
                            "Информирование о правах и обязанностях, горячие линии",
                            "Information on rights and obligations, hotlines",
                        ),
                        (
                            "documents",
                            "Sənədlərin alınmasında və vətəndaşlıq məsələlərində yardım",
                            "Помощь в получении документов и в вопросах гражданства",
                            "Help with documents and citizenship",
                        ),
                        (
                            "reintegration",
                            "Qayıdan miqrantların reinteqrasiyası",
                            "Реинтеграция вернувшихся мигрантов",
                            "Reintegration of returning migrants",
                        ),
                    ),
                ),
                question(
                    "beneficiaries",
                    QuestionKind.NUMBER,
                    (
                        "Ötən il təşkilatınız təxminən neçə miqranta yardım göstərib?",
                        "Примерно скольким мигрантам ваша организация помогла в прошлом году?",
                        "About how many migrants did your organisation assist last year?",
                    ),
                    min_value=0,
                ),
            ],
        },
        {
            "title": ("Maliyyələşmə", "Финансирование", "Funding"),
            "questions": [
                question(
                    "funding_sources",
                    QuestionKind.MULTIPLE,
                    (
                        "Təşkilatınızın maliyyə mənbələri hansılardır?",
                        "Каковы источники финансирования вашей организации?",
                        "What are your organisation's sources of funding?",
                    ),
                    help_text=ALL_THAT_APPLY,
                    options=(
                        ("international_donors", "Beynəlxalq donorlar", "Международные доноры", "International donors"),
                        ("un_agencies", "BMqT və BMT-nin digər qurumları", "МОМ и другие агентства ООН", "IOM and other UN agencies"),
                        (
                            "state_grants",
                            "Dövlət qrantları və ya sifarişləri",
                            "Государственные гранты или заказы",
                            "State grants or contracts",
                        ),
                        ("private_sector", "Özəl sektor", "Частный сектор", "Private sector"),
                        ("donations", "Üzvlük haqları və ianələr", "Членские взносы и пожертвования", "Membership fees and donations"),
                        (
                            "own_income",
                            "Öz gəlirləri (ödənişli xidmətlər)",
                            "Собственные доходы (платные услуги)",
                            "Own income (paid services)",
                        ),
                    ),
                ),
            ],
        },
        {
            "title": ("COVID-19 pandemiyası", "Пандемия COVID-19", "The COVID-19 pandemic"),
            "questions": [
                question(
                    "covid_impact",
                    QuestionKind.LIKERT,
                    (
                        "COVID-19 pandemiyası təşkilatınızın miqrantlarla işinə nə dərəcədə təsir edib?",
                        "Насколько сильно пандемия COVID-19 повлияла на работу вашей организации с мигрантами?",
                        "How strongly did the COVID-19 pandemic affect your organisation's work with migrants?",
                    ),
                    options=IMPACT_SCALE,
                ),
                question(
                    "covid_changes",
                    QuestionKind.LONG_TEXT,
                    (
                        "Pandemiya işlədiyiniz miqrantlar və təşkilatınız üçün nələri dəyişdi?",
                        "Что изменила пандемия для мигрантов, с которыми вы работаете, и для вашей организации?",
                        "What did the pandemic change for the migrants you work with and for your organisation?",
                    ),
                ),
            ],
        },
        {
            "title": (
                "BMqT və Miqrasiya üzrə Qlobal Saziş",
                "МОМ и Глобальный договор о миграции",
                "IOM and the Global Compact for Migration",
            ),
            "questions": [
                question(
                    "iom_cooperation",
                    QuestionKind.SINGLE,
                    (
                        "Təşkilatınız Beynəlxalq Miqrasiya Təşkilatı (BMqT) ilə əməkdaşlıq edibmi?",
                        "Сотрудничала ли ваша организация с Международной организацией по миграции (МОМ)?",
                        "Has your organisation worked with the International Organization for Migration (IOM)?",
                    ),
                    options=REGULARITY,
                ),
                question(
                    "iom_views",
                    QuestionKind.LONG_TEXT,
                    (
                        "BMqT və Mərkəz təşkilatınızın işinə necə daha yaxşı dəstək ola bilər?",
                        "Как МОМ и Центр могли бы лучше поддержать работу вашей организации?",
                        "How could IOM and the Centre better support your organisation's work?",
                    ),
                ),
                question(
                    "gcm_views",
                    QuestionKind.LONG_TEXT,
                    (
                        "Təhlükəsiz, Nizamlı və Qanuni Miqrasiya üzrə Qlobal Saziş və onun ölkənizdə həyata keçirilməsi barədə fikirləriniz nədir?",
                        "Каково ваше мнение о Глобальном договоре о безопасной, упорядоченной и легальной миграции и его выполнении в вашей стране?",
                        "What are your views on the Global Compact for Safe, Orderly and Regular Migration and its implementation in your country?",
                    ),
                ),
            ],
        },
        {
            "title": TRAINING_NEEDS_SECTION,
            "questions": [
                priority_grid(
                    PRIORITY_QUESTION_CODE,
                    NEEDS_PRIORITIES_TEXT,
                    (
                        "Fəsil təşkilatınızın işinə aid deyilsə, onu boş buraxmayın, aid olmayan kimi qeyd edin.",
                        "Если глава не относится к работе вашей организации, не оставляйте её пустой, а отметьте как неприменимую.",
                        "If a chapter does not concern your organisation's work, mark it as not applicable rather than leaving it empty.",
                    ),
                ),
            ],
        },
    ],
}

# --- 3. Needs assessment: media ---------------------------------------------------------------

NA_MEDIA: dict[str, Any] = {
    "code": "na-media",
    "purpose": Purpose.NEEDS_ASSESSMENT,
    "audience": ("media",),
    "title": (
        "Ehtiyacların qiymətləndirilməsi: media qurumları üçün sorğu",
        "Оценка потребностей: анкета для средств массовой информации",
        "Needs assessment: questionnaire for the media",
    ),
    "intro": (
        "Bakıdakı Miqrasiya üzrə Regional Təlim Mərkəzi (MRTM) jurnalistlərdən və media qurumlarından miqrasiya mövzusunu necə "
        "işıqlandırdıqlarını və dəqiq məlumat vermək üçün dövlət qurumlarından nəyə ehtiyac duyduqlarını soruşur. Cavablarınız "
        "Mərkəzə media üçün nəzərdə tutulmuş təlimləri və brifinqləri planlaşdırmağa kömək edəcək.",
        "Региональный учебный центр по миграции в Баку спрашивает журналистов и редакции, как они освещают миграцию и что им "
        "нужно от государственных органов, чтобы писать о ней точно. Ваши ответы помогут Центру планировать тренинги и "
        "брифинги, предназначенные для СМИ.",
        "The Regional Training Centre on Migration (RTCM) in Baku asks journalists and media organisations how they cover "
        "migration and what they need from government bodies to report on it accurately. Your answers help the Centre plan "
        "trainings and briefings designed for the media.",
    ),
    "sections": [
        {
            "title": ("Miqrasiya mövzusunu necə işıqlandırırsınız", "Как вы освещаете миграцию", "How you cover migration"),
            "questions": [
                question(
                    "media_type",
                    QuestionKind.MULTIPLE,
                    ("Hansı növ mediada çalışırsınız?", "В каком типе СМИ вы работаете?", "What kind of media do you work for?"),
                    help_text=ALL_THAT_APPLY,
                    options=(
                        ("tv", "Televiziya", "Телевидение", "Television"),
                        ("radio", "Radio", "Радио", "Radio"),
                        ("print", "Çap mediası", "Печатные СМИ", "Print media"),
                        ("online", "Onlayn media", "Интернет-издания", "Online media"),
                        ("news_agency", "Xəbər agentliyi", "Информационное агентство", "News agency"),
                        ("freelance", "Müstəqil (frilanser) jurnalist", "Независимый журналист (фрилансер)", "Freelance journalist"),
                    ),
                ),
                question(
                    "coverage_frequency",
                    QuestionKind.SINGLE,
                    (
                        "Miqrasiya mövzusunda materialları nə qədər tez-tez dərc edirsiniz?",
                        "Как часто вы публикуете материалы о миграции?",
                        "How often do you publish material on migration?",
                    ),
                    options=(
                        ("weekly", "Həftədə bir dəfə və ya daha tez-tez", "Раз в неделю или чаще", "Weekly or more often"),
                        ("monthly", "Ayda bir-iki dəfə", "Один-два раза в месяц", "Once or twice a month"),
                        ("few_times_a_year", "İldə bir neçə dəfə", "Несколько раз в год", "A few times a year"),
                        ("rarely", "Nadir hallarda", "Редко", "Rarely"),
                    ),
                ),
                question(
                    "topics",
                    QuestionKind.MULTIPLE,
                    (
                        "Miqrasiya ilə bağlı hansı mövzuları işıqlandırırsınız?",
                        "Какие темы, связанные с миграцией, вы освещаете?",
                        "Which migration topics do you cover?",
                    ),
                    help_text=ALL_THAT_APPLY,
                    options=(
                        (
                            "labour_migration",
                            "Əmək miqrasiyası və pul köçürmələri",
                            "Трудовая миграция и денежные переводы",
                            "Labour migration and remittances",
                        ),
                        ("refugees", "Qaçqınlar və sığınacaq", "Беженцы и убежище", "Refugees and asylum"),
                        ("idps", "Məcburi köçkünlər", "Внутренне перемещённые лица", "Internally displaced persons"),
                        (
                            "trafficking_smuggling",
                            "İnsan alveri və miqrant qaçaqçılığı",
                            "Торговля людьми и незаконный ввоз мигрантов",
                            "Trafficking in persons and migrant smuggling",
                        ),
                        ("return", "Qayıdış və reinteqrasiya", "Возвращение и реинтеграция", "Return and reintegration"),
                        ("diaspora", "Diaspor", "Диаспора", "Diaspora"),
                        ("integration", "Miqrantların inteqrasiyası", "Интеграция мигрантов", "Integration of migrants"),
                        (
                            "border",
                            "Sərhəd idarəçiliyi və qeyri-qanuni miqrasiya",
                            "Управление границами и нерегулярная миграция",
                            "Border management and irregular migration",
                        ),
                        ("climate", "Miqrasiya və iqlim dəyişikliyi", "Миграция и изменение климата", "Migration and climate change"),
                    ),
                ),
                question(
                    "sources",
                    QuestionKind.MULTIPLE,
                    (
                        "Miqrasiya haqqında material hazırlayarkən hansı mənbələrə istinad edirsiniz?",
                        "На какие источники вы опираетесь, готовя материалы о миграции?",
                        "Which sources do you rely on when reporting on migration?",
                    ),
                    help_text=ALL_THAT_APPLY,
                    options=(
                        (
                            "official_statements",
                            "Dövlət qurumlarının rəsmi açıqlamaları",
                            "Официальные заявления государственных органов",
                            "Official statements of government bodies",
                        ),
                        ("official_statistics", "Rəsmi statistika", "Официальная статистика", "Official statistics"),
                        (
                            "international_organisations",
                            "Beynəlxalq təşkilatlar",
                            "Международные организации",
                            "International organisations",
                        ),
                        ("ngos", "Qeyri-hökumət təşkilatları", "Неправительственные организации", "Non-governmental organisations"),
                        ("migrants", "Miqrantların özləri", "Сами мигранты", "Migrants themselves"),
                        ("experts", "Ekspertlər və tədqiqatçılar", "Эксперты и исследователи", "Experts and researchers"),
                        ("foreign_media", "Xarici media", "Зарубежные СМИ", "Foreign media"),
                        ("social_media", "Sosial şəbəkələr", "Социальные сети", "Social media"),
                    ),
                ),
                question(
                    "reporting_training",
                    QuestionKind.SINGLE,
                    (
                        "Miqrasiya mövzusunun işıqlandırılması üzrə təlim keçmisinizmi?",
                        "Проходили ли вы обучение по освещению темы миграции?",
                        "Have you taken a training course on reporting on migration?",
                    ),
                    options=YES_NO,
                ),
            ],
        },
        {
            "title": (
                "Dövlət qurumları ilə əməkdaşlıq və məlumatlar",
                "Сотрудничество с государственными органами и данные",
                "Cooperation with government and data",
            ),
            "questions": [
                question(
                    "information_access",
                    QuestionKind.LIKERT,
                    (
                        "Dövlət qurumlarından miqrasiya barədə məlumat almaq nə dərəcədə asandır?",
                        "Насколько легко получить информацию о миграции от государственных органов?",
                        "How easy is it to obtain information on migration from government bodies?",
                    ),
                    options=EASE_SCALE,
                ),
                question(
                    "cooperation_needs",
                    QuestionKind.MULTIPLE,
                    (
                        "Dövlət qurumları ilə hansı əməkdaşlıq formaları işinizə kömək edərdi?",
                        "Какие формы сотрудничества с государственными органами помогли бы вашей работе?",
                        "What kind of cooperation with government bodies would help your work?",
                    ),
                    help_text=ALL_THAT_APPLY,
                    options=(
                        ("briefings", "Müntəzəm media brifinqləri", "Регулярные брифинги для СМИ", "Regular media briefings"),
                        (
                            "press_contact",
                            "Daimi mətbuat əlaqələndiricisi",
                            "Постоянное контактное лицо для прессы",
                            "A permanent press contact person",
                        ),
                        (
                            "interviews",
                            "Vəzifəli şəxslərlə müsahibə imkanı",
                            "Возможность взять интервью у должностных лиц",
                            "Access to officials for interviews",
                        ),
                        (
                            "joint_trainings",
                            "Jurnalistlər və dövlət qulluqçuları üçün birgə təlimlər",
                            "Совместные тренинги для журналистов и госслужащих",
                            "Joint trainings for journalists and civil servants",
                        ),
                        (
                            "field_visits",
                            "Sərhəd-keçid məntəqələrinə və miqrantlar üçün mərkəzlərə səfərlər",
                            "Посещение пунктов пропуска и центров для мигрантов",
                            "Visits to border crossing points and migrant centres",
                        ),
                        (
                            "terminology",
                            "Miqrasiya terminologiyası üzrə bələdçi",
                            "Справочник по миграционной терминологии",
                            "A guide to migration terminology",
                        ),
                    ),
                ),
                question(
                    "data_needs",
                    QuestionKind.MULTIPLE,
                    (
                        "Miqrasiya ilə bağlı hansı məlumatlara ehtiyacınız var, lakin onları əldə etmək çətindir?",
                        "Какие данные о миграции вам нужны, но их трудно получить?",
                        "Which data on migration do you need but find hard to obtain?",
                    ),
                    help_text=ALL_THAT_APPLY,
                    options=(
                        (
                            "flows",
                            "Miqrasiya axınları (gələnlər və gedənlər)",
                            "Миграционные потоки (въезд и выезд)",
                            "Migration flows (arrivals and departures)",
                        ),
                        (
                            "labour_migration",
                            "Əmək miqrasiyası və pul köçürmələri",
                            "Трудовая миграция и денежные переводы",
                            "Labour migration and remittances",
                        ),
                        (
                            "asylum",
                            "Sığınacaq müraciətləri və qaçqınlar",
                            "Ходатайства об убежище и беженцы",
                            "Asylum applications and refugees",
                        ),
                        ("trafficking", "İnsan alveri halları", "Случаи торговли людьми", "Cases of trafficking in persons"),
                        ("returns", "Qayıdış və readmissiya", "Возвращение и реадмиссия", "Returns and readmission"),
                        ("by_sex_and_age", "Cins və yaş üzrə bölgü", "Разбивка по полу и возрасту", "Breakdown by sex and age"),
                    ),
                ),
                question(
                    "data_quality",
                    QuestionKind.LIKERT,
                    (
                        "Jurnalistlər üçün əlçatan olan rəsmi miqrasiya məlumatlarının keyfiyyətini necə qiymətləndirirsiniz?",
                        "Как вы оцениваете качество официальных данных о миграции, доступных журналистам?",
                        "How do you rate the quality of the official migration data available to journalists?",
                    ),
                    options=QUALITY_SCALE,
                ),
                question(
                    "reporting_difficulties",
                    QuestionKind.LONG_TEXT,
                    (
                        "Miqrasiya mövzusunun işıqlandırılmasında əsas çətinliklər hansılardır?",
                        "Каковы основные трудности при освещении темы миграции?",
                        "What are the main difficulties in reporting on migration?",
                    ),
                ),
            ],
        },
        {
            "title": TRAINING_NEEDS_SECTION,
            "questions": [
                priority_grid(
                    PRIORITY_QUESTION_CODE,
                    NEEDS_PRIORITIES_TEXT,
                    (
                        "Fəsil işinizə aid deyilsə, onu boş buraxmayın, aid olmayan kimi qeyd edin.",
                        "Если глава не относится к вашей работе, не оставляйте её пустой, а отметьте как неприменимую.",
                        "If a chapter does not concern your work, mark it as not applicable rather than leaving it empty.",
                    ),
                ),
            ],
        },
    ],
}

# --- 4. Session evaluation (default for every session) ----------------------------------------

SESSION_EVALUATION: dict[str, Any] = {
    "code": "session-evaluation",
    "purpose": Purpose.SESSION_EVALUATION,
    "audience": (),
    "is_anonymous": True,
    "min_group_size": 5,
    "is_default": True,
    "title": ("Təlimin qiymətləndirilməsi", "Оценка тренинга", "Training evaluation"),
    "intro": (
        "Xahiş edirik, bu təlim barədə fikrinizi bildirin. Forma anonimdir: cavablarınız adınızla əlaqələndirilmir, nəticələr isə "
        "yalnız ən azı beş iştirakçıdan ibarət qruplar üzrə göstərilir. Qiymətləndirməniz Mərkəzə təlimləri təkmilləşdirməyə və "
        "növbəti təlimləri planlaşdırmağa kömək edir.",
        "Пожалуйста, поделитесь мнением об этом тренинге. Анкета анонимна: ваши ответы не связываются с вашим именем, а "
        "результаты показываются только по группам не менее чем из пяти участников. Ваша оценка помогает Центру "
        "совершенствовать тренинги и планировать следующие.",
        "Please tell us what you think of this training. The form is anonymous: your answers are not linked to your name, and "
        "results are shown only for groups of at least five participants. Your assessment helps the Centre improve its trainings "
        "and plan the next ones.",
    ),
    "sections": [
        {
            "title": ("Təlimə verdiyiniz qiymət", "Ваша оценка тренинга", "Your assessment of the training"),
            "questions": [
                question(
                    "relevance",
                    QuestionKind.LIKERT,
                    (
                        "Təlim işiniz üçün nə dərəcədə aktual idi?",
                        "Насколько тренинг был актуален для вашей работы?",
                        "How relevant was the training to your work?",
                    ),
                    options=EXTENT_SCALE,
                ),
                question(
                    "content",
                    QuestionKind.LIKERT,
                    (
                        "Təlimin məzmununu necə qiymətləndirirsiniz?",
                        "Как вы оцениваете содержание тренинга?",
                        "How do you rate the content of the training?",
                    ),
                    options=QUALITY_SCALE,
                ),
                question(
                    "methods",
                    QuestionKind.LIKERT,
                    (
                        "Təlim metodlarını (təqdimatlar, tapşırıqlar, müzakirələr, konkret halların təhlili) necə qiymətləndirirsiniz?",
                        "Как вы оцениваете методы обучения (презентации, упражнения, обсуждения, разбор практических случаев)?",
                        "How do you rate the training methods (presentations, exercises, discussions, case studies)?",
                    ),
                    options=QUALITY_SCALE,
                ),
                question(
                    "trainers",
                    QuestionKind.LIKERT,
                    ("Təlimçilərin işini necə qiymətləndirirsiniz?", "Как вы оцениваете работу тренеров?", "How do you rate the trainers?"),
                    options=QUALITY_SCALE,
                ),
                question(
                    "organisation",
                    QuestionKind.LIKERT,
                    (
                        "Təlimin təşkilini (əvvəlcədən verilən məlumat, məkan və ya platforma, materiallar, vaxt bölgüsü) necə qiymətləndirirsiniz?",
                        "Как вы оцениваете организацию тренинга (предварительная информация, место проведения или платформа, материалы, распределение времени)?",
                        "How do you rate the organisation of the training (information beforehand, venue or platform, materials, timing)?",
                    ),
                    options=QUALITY_SCALE,
                ),
                question(
                    "overall",
                    QuestionKind.LIKERT,
                    (
                        "Ümumilikdə təlimi necə qiymətləndirirsiniz?",
                        "Как в целом вы оцениваете тренинг?",
                        "Overall, how do you rate the training?",
                    ),
                    options=QUALITY_SCALE,
                ),
            ],
        },
        {
            "title": ("Əlavə təlim ehtiyacları", "Потребности в дальнейшем обучении", "Further training needs"),
            "questions": [
                # Feeds the needs matrix between assessment rounds; optional, so that the form stays short.
                priority_grid(
                    FURTHER_TRAINING_QUESTION_CODE,
                    (
                        "Hansı fəsillər üzrə əlavə təlimə ehtiyacınız var? (4 – ən çox ehtiyac duyulan, 1 – ən az ehtiyac duyulan)",
                        "По каким главам вам нужно дальнейшее обучение? (4 — наиболее необходимо, 1 — наименее необходимо)",
                        "On which chapters do you need further training? (4 = most needed, 1 = least needed)",
                    ),
                    required=False,
                ),
            ],
        },
        {
            "title": ("Şərhlər", "Комментарии", "Comments"),
            "questions": [
                question(
                    "most_useful",
                    QuestionKind.LONG_TEXT,
                    (
                        "İşiniz üçün ən faydalı nə oldu?",
                        "Что было наиболее полезным для вашей работы?",
                        "What was most useful for your work?",
                    ),
                ),
                question(
                    "improvements",
                    QuestionKind.LONG_TEXT,
                    (
                        "Təlimdə nəyi təkmilləşdirmək lazımdır?",
                        "Что в тренинге следует улучшить?",
                        "What should be improved in the training?",
                    ),
                ),
                question(
                    "comments",
                    QuestionKind.LONG_TEXT,
                    ("Başqa şərhləriniz varmı?", "Есть ли у вас другие комментарии?", "Do you have any other comments?"),
                ),
            ],
        },
    ],
}

# --- 5. Knowledge tests: templates to copy for a module ---------------------------------------

KNOWLEDGE_SECTION: Text = ("Miqrasiya idarəçiliyinin əsasları", "Основы управления миграцией", "Basics of migration governance")
KNOWLEDGE_QUESTIONS: list[dict[str, Any]] = [
    question(
        "gcm",
        QuestionKind.KNOWLEDGE,
        (
            "Təhlükəsiz, Nizamlı və Qanuni Miqrasiya üzrə Qlobal Saziş nədir?",
            "Что такое Глобальный договор о безопасной, упорядоченной и легальной миграции?",
            "What is the Global Compact for Safe, Orderly and Regular Migration?",
        ),
        points=1,
        options=(
            (
                "non_binding_framework",
                "2018-ci ildə BMT-yə üzv dövlətlər tərəfindən qəbul edilmiş, 23 məqsəddən ibarət, hüquqi cəhətdən məcburi olmayan əməkdaşlıq çərçivəsi",
                "Юридически не обязывающая рамочная основа сотрудничества из 23 целей, принятая государствами — членами ООН в 2018 году",
                "A non-legally binding cooperative framework with 23 objectives, adopted by UN Member States in 2018",
                True,
            ),
            (
                "binding_treaty",
                "Dövlətləri hər il müəyyən sayda miqrant qəbul etməyə məcbur edən hüquqi qüvvəli müqavilə",
                "Юридически обязательный договор, обязывающий государства ежегодно принимать определённое число мигрантов",
                "A legally binding treaty that obliges states to admit a set number of migrants each year",
                False,
            ),
            (
                "eu_regulation",
                "Avropa İttifaqının sığınacaq prosedurları haqqında reqlamenti",
                "Регламент Европейского союза о процедурах предоставления убежища",
                "A European Union regulation on asylum procedures",
                False,
            ),
            (
                "iom_programme",
                "BMqT-nin könüllü qayıdışa yardım proqramı",
                "Программа МОМ по содействию добровольному возвращению",
                "An IOM programme of assisted voluntary return",
                False,
            ),
        ),
    ),
    question(
        "non_refoulement",
        QuestionKind.KNOWLEDGE,
        (
            "Qaçqınların statusu haqqında 1951-ci il Konvensiyasında təsbit olunmuş geri qaytarmama (non-refoulement) prinsipi nə deməkdir?",
            "Что означает принцип невысылки (non-refoulement), закреплённый в Конвенции о статусе беженцев 1951 года?",
            "What does the principle of non-refoulement in the 1951 Refugee Convention mean?",
        ),
        points=1,
        options=(
            (
                "no_return_to_danger",
                "Qaçqın həyatının və ya azadlığının təhlükə altında olacağı ərazilərə qovula və ya qaytarıla bilməz",
                "Беженца нельзя высылать или возвращать на территории, где его жизни или свободе угрожает опасность",
                "A refugee must not be expelled or returned to territories where their life or freedom would be threatened",
                True,
            ),
            (
                "citizenship",
                "Qaçqına beş il yaşadıqdan sonra vətəndaşlıq verilməlidir",
                "Беженцу должно быть предоставлено гражданство после пяти лет проживания",
                "A refugee must be granted citizenship after five years of residence",
                False,
            ),
            (
                "no_leaving",
                "Qaçqın ona sığınacaq vermiş ölkəni tərk edə bilməz",
                "Беженец не может покидать страну, предоставившую ему убежище",
                "A refugee may not leave the country that granted asylum",
                False,
            ),
            (
                "family_admission",
                "Dövlətlər qaçqının bütün ailə üzvlərini bir il ərzində qəbul etməlidirlər",
                "Государства обязаны в течение года принять всех членов семьи беженца",
                "States must admit all family members of a refugee within one year",
                False,
            ),
        ),
    ),
    question(
        "smuggling_trafficking",
        QuestionKind.KNOWLEDGE,
        (
            "Miqrant qaçaqçılığı və insan alveri haqqında hansı fikirlər doğrudur?",
            "Какие утверждения о незаконном ввозе мигрантов и торговле людьми верны?",
            "Which statements about migrant smuggling and trafficking in persons are correct?",
        ),
        help_text=ALL_CORRECT,
        points=2,
        options=(
            (
                "border_crossing",
                "Miqrant qaçaqçılığı həmişə dövlət sərhədinin keçilməsi ilə bağlıdır; insan alveri bir ölkənin daxilində də baş verə bilər",
                "Незаконный ввоз мигрантов всегда связан с пересечением государственной границы; торговля людьми может происходить и внутри одной страны",
                "Smuggling always involves crossing an international border; trafficking can also happen within one country",
                True,
            ),
            (
                "exploitation_purpose",
                "İnsan alverinin məqsədi şəxsin istismarıdır; miqrant qaçaqçılığı isə maliyyə və ya digər maddi mənfəət üçün qeyri-qanuni girişin təmin edilməsidir",
                "Цель торговли людьми — эксплуатация человека; незаконный ввоз мигрантов — это обеспечение незаконного въезда ради финансовой или иной материальной выгоды",
                "Trafficking aims at exploiting the person; smuggling is procuring illegal entry for a financial or other material benefit",
                True,
            ),
            (
                "consent_excludes",
                "Qeyri-qanuni keçirilməyə razılıq vermiş şəxs insan alverinin qurbanı ola bilməz",
                "Человек, согласившийся на незаконный ввоз, не может стать жертвой торговли людьми",
                "A person who agreed to be smuggled cannot become a victim of trafficking",
                False,
            ),
            (
                "same_crime",
                "Bunlar eyni cinayətin iki fərqli adıdır",
                "Это два названия одного и того же преступления",
                "They are two names for the same crime",
                False,
            ),
        ),
    ),
    question(
        "stateless_person",
        QuestionKind.KNOWLEDGE,
        (
            "Vətəndaşlığı olmayan şəxslərin statusu haqqında 1954-cü il Konvensiyasına görə vətəndaşlığı olmayan şəxs kimdir?",
            "Кто является апатридом согласно Конвенции о статусе апатридов 1954 года?",
            "Who is a stateless person under the 1954 Convention relating to the Status of Stateless Persons?",
        ),
        points=1,
        options=(
            (
                "not_national",
                "Heç bir dövlətin öz qanunvericiliyinə əsasən vətəndaşı hesab etmədiyi şəxs",
                "Лицо, которое не рассматривается гражданином ни одним государством в силу его закона",
                "A person who is not considered as a national by any State under the operation of its law",
                True,
            ),
            (
                "left_country",
                "Vətəndaşı olduğu ölkəni tərk etmiş şəxs",
                "Лицо, покинувшее страну своего гражданства",
                "A person who has left their country of nationality",
                False,
            ),
            (
                "lost_documents",
                "Şəxsiyyət sənədlərini itirmiş şəxs",
                "Лицо, утратившее документы, удостоверяющие личность",
                "A person who has lost their identity documents",
                False,
            ),
            ("dual_national", "İki vətəndaşlığı olan şəxs", "Лицо, имеющее два гражданства", "A person who holds two nationalities", False),
        ),
    ),
    question(
        "idp_refugee",
        QuestionKind.KNOWLEDGE,
        (
            "Məcburi köçkünü qaçqından fərqləndirən nədir?",
            "Чем внутренне перемещённое лицо отличается от беженца?",
            "What distinguishes an internally displaced person from a refugee?",
        ),
        points=1,
        options=(
            (
                "no_border_crossed",
                "Məcburi köçkün beynəlxalq səviyyədə tanınmış dövlət sərhədini keçməyib",
                "Внутренне перемещённое лицо не пересекало международно признанную государственную границу",
                "An internally displaced person has not crossed an internationally recognised state border",
                True,
            ),
            (
                "left_voluntarily",
                "Məcburi köçkün evini könüllü olaraq, iş üçün tərk edib",
                "Внутренне перемещённое лицо покинуло дом добровольно, ради работы",
                "An internally displaced person left home voluntarily, for work",
                False,
            ),
            (
                "no_rights",
                "Məcburi köçkünlər insan hüquqları ilə qorunmur",
                "Внутренне перемещённые лица не пользуются защитой прав человека",
                "Internally displaced persons are not protected by human rights",
                False,
            ),
            (
                "lost_nationality",
                "Məcburi köçkün həmişə vətəndaşlığını itirir",
                "Внутренне перемещённое лицо всегда утрачивает гражданство",
                "An internally displaced person always loses their nationality",
                False,
            ),
        ),
    ),
    question(
        "sdg_target",
        QuestionKind.KNOWLEDGE,
        (
            "Davamlı İnkişaf Məqsədlərinin hansı hədəfi planlı və yaxşı idarə olunan miqrasiya siyasəti vasitəsilə nizamlı, "
            "təhlükəsiz, qanuni və məsuliyyətli miqrasiyaya çağırır?",
            "Какая задача Целей устойчивого развития призывает содействовать упорядоченной, безопасной, легальной и ответственной "
            "миграции, в том числе благодаря плановой и хорошо продуманной миграционной политике?",
            "Which target of the Sustainable Development Goals calls for orderly, safe, regular and responsible migration through "
            "planned and well-managed migration policies?",
        ),
        points=1,
        options=(
            ("target_10_7", "Hədəf 10.7", "Задача 10.7", "Target 10.7", True),
            ("target_8_8", "Hədəf 8.8", "Задача 8.8", "Target 8.8", False),
            ("target_16_2", "Hədəf 16.2", "Задача 16.2", "Target 16.2", False),
            ("target_5_2", "Hədəf 5.2", "Задача 5.2", "Target 5.2", False),
        ),
    ),
]

TEMPLATE_NOTE: Text = (
    "Şablon: bu testin surətini çıxarıb modul üçün istifadə edin və sualları modulun öz məzmununa aid suallarla əvəz edin.",
    "Шаблон: скопируйте этот тест для модуля и замените вопросы вопросами по содержанию самого модуля.",
    "Template: copy this test for a module and replace the questions with questions on the module's own content.",
)

PRE_TEST: dict[str, Any] = {
    "code": "knowledge-test-template-pre",
    "purpose": Purpose.PRE_TEST,
    "audience": (),
    "title": (
        "Bilik testi (təlimdən əvvəl): şablon",
        "Тест знаний (до обучения): шаблон",
        "Knowledge test (before the training): template",
    ),
    "intro": (
        TEMPLATE_NOTE[0] + " Aşağıdakı altı sual miqrasiya idarəçiliyinin əsas faktlarını yoxlayır. Suallara təlim başlamazdan əvvəl "
        "cavab verin; biliklərdəki dəyişikliyi ölçmək üçün eyni suallar təlimin sonunda yenidən veriləcək. Bu testin keçid balı yoxdur.",
        TEMPLATE_NOTE[1] + " Шесть вопросов ниже проверяют базовые знания об управлении миграцией. Ответьте на них до начала "
        "тренинга; чтобы измерить прирост знаний, те же вопросы будут заданы в конце. Проходного балла у этого теста нет.",
        TEMPLATE_NOTE[2] + " The six questions below test basic facts of migration governance. Answer them before the training "
        "starts; the same questions are asked again at the end, to measure what changed. This test has no pass mark.",
    ),
    "sections": [{"title": KNOWLEDGE_SECTION, "questions": KNOWLEDGE_QUESTIONS}],
}

POST_TEST: dict[str, Any] = {
    "code": "knowledge-test-template-post",
    "purpose": Purpose.POST_TEST,
    "audience": (),
    "pass_mark_percent": POST_TEST_PASS_MARK,
    "title": (
        "Bilik testi (təlimdən sonra): şablon",
        "Тест знаний (после обучения): шаблон",
        "Knowledge test (after the training): template",
    ),
    "intro": (
        TEMPLATE_NOTE[0] + " Təlimin əvvəlində cavablandırdığınız altı suala yenidən cavab verin. Testdən keçmək üçün balların "
        f"ən azı {POST_TEST_PASS_MARK}%-ni toplamalısınız.",
        TEMPLATE_NOTE[1] + " Ответьте на те же шесть вопросов, что и в начале тренинга. Чтобы пройти тест, нужно набрать не "
        f"менее {POST_TEST_PASS_MARK} % баллов.",
        TEMPLATE_NOTE[2] + " Answer the same six questions as at the start of the training. To pass, you need at least "
        f"{POST_TEST_PASS_MARK}% of the points.",
    ),
    "sections": [{"title": KNOWLEDGE_SECTION, "questions": KNOWLEDGE_QUESTIONS}],
}

# --- 6. Follow-up months after a session (default for every session) --------------------------

FOLLOW_UP: dict[str, Any] = {
    "code": "follow-up",
    "purpose": Purpose.FOLLOW_UP,
    "audience": (),
    "is_anonymous": True,
    "min_group_size": 5,
    "is_default": True,
    "title": (
        "Təlimdən sonra: öyrəndiklərinizin tətbiqi",
        "После тренинга: применение полученных знаний",
        "After the training: applying what you learnt",
    ),
    "intro": (
        "Miqrasiya üzrə Regional Təlim Mərkəzindəki təliminizdən bir neçə ay keçib. Xahiş edirik, öyrəndiklərinizdən istifadə "
        "edib-etmədiyinizi və necə istifadə etdiyinizi bildirin. Forma anonimdir, nəticələr isə yalnız ən azı beş iştirakçıdan "
        "ibarət qruplar üzrə göstərilir. Cavablarınız Mərkəzə təlimlərin iştirakçıların işinə və miqrantlara göstərilən "
        "xidmətlərə təsirini ölçməyə kömək edir.",
        "С вашего тренинга в Региональном учебном центре по миграции прошло несколько месяцев. Пожалуйста, расскажите, "
        "применяли ли вы полученные знания и как именно. Анкета анонимна, а результаты показываются только по группам не менее "
        "чем из пяти участников. Ваши ответы помогают Центру оценить влияние тренингов на работу участников и на услуги для мигрантов.",
        "Some months have passed since your training at the Regional Training Centre on Migration. Please tell us whether and how "
        "you have used what you learnt. The form is anonymous, and results are shown only for groups of at least five "
        "participants. Your answers help the Centre measure the impact of its trainings on participants' work and on services to migrants.",
    ),
    "sections": [
        {
            "title": ("Öyrəndiklərinizin tətbiqi", "Применение полученных знаний", "Applying what you learnt"),
            "questions": [
                question(
                    "use_extent",
                    QuestionKind.LIKERT,
                    (
                        "Təlimdə öyrəndiklərinizdən işinizdə nə dərəcədə istifadə etmisiniz?",
                        "В какой мере вы применяли в работе то, чему научились на тренинге?",
                        "How much have you used in your work what you learnt in the training?",
                    ),
                    options=EXTENT_SCALE,
                ),
                question(
                    "use_ways",
                    QuestionKind.MULTIPLE,
                    (
                        "Öyrəndiklərinizdən hansı yollarla istifadə etmisiniz?",
                        "Каким образом вы применили полученные знания?",
                        "In which ways have you used what you learnt?",
                    ),
                    help_text=ALL_THAT_APPLY,
                    options=(
                        (
                            "changed_procedures",
                            "İş prosedurlarının dəyişdirilməsi və ya təkmilləşdirilməsi",
                            "Изменение или улучшение рабочих процедур",
                            "Changing or improving working procedures",
                        ),
                        (
                            "trained_colleagues",
                            "Həmkarlara təlim keçilməsi və ya onların məlumatlandırılması",
                            "Обучение или информирование коллег",
                            "Training or briefing colleagues",
                        ),
                        (
                            "drafted_policy",
                            "Siyasət, qanunvericilik və ya normativ akt layihələrinin hazırlanması",
                            "Подготовка проектов политики, законодательства или нормативных актов",
                            "Drafting policy, legislation or regulations",
                        ),
                        (
                            "improved_services",
                            "Miqrantlara göstərilən xidmətlərin yaxşılaşdırılması",
                            "Улучшение услуг для мигрантов",
                            "Improving services to migrants",
                        ),
                        (
                            "new_cooperation",
                            "Digər qurumlar və ya ölkələrlə əməkdaşlığın qurulması",
                            "Налаживание сотрудничества с другими ведомствами или странами",
                            "Setting up cooperation with other institutions or countries",
                        ),
                        (
                            "data_reporting",
                            "Məlumatların toplanması və ya hesabatların hazırlanması",
                            "Сбор данных или подготовка отчётов",
                            "Collecting data or preparing reports",
                        ),
                        (
                            "shared_materials",
                            "Təlim materiallarının həmkarlarla bölüşülməsi",
                            "Распространение учебных материалов среди коллег",
                            "Sharing the training materials with colleagues",
                        ),
                        ("not_yet", "Hələ istifadə etməmişəm", "Пока не было возможности применить", "I have not used it yet"),
                    ),
                ),
                question(
                    "obstacles",
                    QuestionKind.MULTIPLE,
                    (
                        "Öyrəndiklərinizi tətbiq etməyi nə çətinləşdirib?",
                        "Что мешало применять полученные знания?",
                        "What has made it difficult to apply what you learnt?",
                    ),
                    help_text=ALL_THAT_APPLY,
                    options=(
                        ("no_time", "Vaxt çatışmazlığı", "Нехватка времени", "Lack of time"),
                        (
                            "no_management_support",
                            "Rəhbərliyin dəstəyinin olmaması",
                            "Отсутствие поддержки руководства",
                            "No support from management",
                        ),
                        ("no_resources", "Resursların çatışmazlığı", "Нехватка ресурсов", "Lack of resources"),
                        (
                            "rules_do_not_allow",
                            "Qanunvericilik və ya daxili qaydalar buna imkan vermir",
                            "Законодательство или внутренние правила этого не позволяют",
                            "Legislation or internal rules do not allow it",
                        ),
                        (
                            "content_not_relevant",
                            "Təlimin məzmunu vəzifələrimə uyğun deyil",
                            "Содержание тренинга не соответствует моим обязанностям",
                            "The content does not match my duties",
                        ),
                        (
                            "changed_job",
                            "İş yerinin və ya vəzifənin dəyişməsi",
                            "Смена места работы или должности",
                            "A change of job or position",
                        ),
                        (
                            "no_follow_up_support",
                            "Əlavə materialların və məsləhətin olmaması",
                            "Нет дополнительных материалов и консультаций",
                            "No follow-up materials or advice",
                        ),
                        ("no_obstacles", "Heç bir maneə olmayıb", "Препятствий не было", "There were no obstacles"),
                    ),
                ),
                question(
                    "improved_work",
                    QuestionKind.SINGLE,
                    (
                        "Təlim işinizi yaxşılaşdırmağa kömək edibmi?",
                        "Помог ли тренинг улучшить вашу работу?",
                        "Has the training helped you improve your work?",
                    ),
                    options=(
                        ("significantly", "Bəli, əhəmiyyətli dərəcədə", "Да, значительно", "Yes, significantly"),
                        ("somewhat", "Bəli, müəyyən qədər", "Да, отчасти", "Yes, somewhat"),
                        ("no", "Xeyr", "Нет", "No"),
                        ("too_early", "Bunu demək hələ tezdir", "Пока рано судить", "It is too early to say"),
                    ),
                ),
                # The impact on services to migrants is the indicator the 2021 report found missing (L6220-L6252).
                question(
                    "services_effect",
                    QuestionKind.SINGLE,
                    (
                        "Təlim qurumunuzda miqrantlara göstərilən xidmətlərin yaxşılaşmasına səbəb olubmu?",
                        "Привёл ли тренинг к улучшению услуг для мигрантов в вашем учреждении?",
                        "Has the training led to better services for migrants in your institution?",
                    ),
                    options=(
                        ("yes", "Bəli", "Да", "Yes"),
                        ("partly", "Qismən", "Частично", "Partly"),
                        ("no", "Xeyr", "Нет", "No"),
                        (
                            "not_applicable",
                            "Qurumum miqrantlara birbaşa xidmət göstərmir",
                            "Моё учреждение не оказывает услуг мигрантам напрямую",
                            "My institution does not serve migrants directly",
                        ),
                    ),
                ),
                question(
                    "example",
                    QuestionKind.LONG_TEXT,
                    (
                        "Öyrəndiklərinizdən necə istifadə etdiyinizə dair bir nümunə təsvir edin.",
                        "Опишите пример того, как вы применили полученные знания.",
                        "Describe an example of how you used what you learnt.",
                    ),
                ),
            ],
        },
    ],
}

INSTRUMENTS: list[dict[str, Any]] = [NA_GOVERNMENT, NA_CSO, NA_MEDIA, SESSION_EVALUATION, PRE_TEST, POST_TEST, FOLLOW_UP]
BUILTIN_CODES: tuple[str, ...] = tuple(spec["code"] for spec in INSTRUMENTS)


# --- Loader -----------------------------------------------------------------------------------


def _texts(field: str, text: Text) -> dict[str, str]:
    az, ru, en = text
    return {f"{field}_az": az, f"{field}_ru": ru, f"{field}_en": en}


def _option_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The options of a question as field values: Likert points score 1..N in order, knowledge options say if correct."""
    rows = []
    for position, choice in enumerate(spec["options"], start=1):
        value, az, ru, en = choice[:4]
        rows.append(
            {
                "value": value,
                **_texts("label", (az, ru, en)),
                "score": position if spec["kind"] == QuestionKind.LIKERT else None,
                "is_correct": bool(choice[4]) if spec["kind"] == QuestionKind.KNOWLEDGE else False,
            }
        )
    return rows


def _sync_sections(instrument: Instrument, titles: list[Text]) -> None:
    existing = list(instrument.sections.order_by("sort_order", "pk"))
    for position, title in enumerate(titles):
        fields = {"sort_order": position, **_texts("title", title)}
        if position < len(existing):
            Section.objects.filter(pk=existing[position].pk).update(**fields)
        else:
            Section.objects.create(instrument=instrument, **fields)
    Section.objects.filter(pk__in=[section.pk for section in existing[len(titles) :]]).delete()


def _sync_options(question_row: Question, rows: list[dict[str, Any]]) -> None:
    values = [row["value"] for row in rows]
    question_row.options.exclude(value__in=values).delete()
    for position, row in enumerate(rows):
        Option.objects.update_or_create(question=question_row, value=row["value"], defaults={"sort_order": position, **row})


def _sync_questions(instrument: Instrument, sections: list[dict[str, Any]]) -> None:
    specs = [(number, spec) for number, section in enumerate(sections, start=1) for spec in section["questions"]]
    codes = [spec["code"] for _number, spec in specs]
    # Nobody has answered (the caller checked), so no answer row holds on to a question that is dropped.
    instrument.questions.exclude(code__in=codes).delete()
    for position, (number, spec) in enumerate(specs):
        question_row, _created = Question.objects.update_or_create(
            instrument=instrument,
            code=spec["code"],
            defaults={
                "sort_order": position,
                "section_number": number,
                "kind": spec["kind"],
                **_texts("text", spec["text"]),
                **_texts("help", spec["help"]),
                "required": spec["required"],
                "points": spec["points"],
                "min_value": None if spec["min_value"] is None else Decimal(spec["min_value"]),
                "max_value": None,
                "max_length": None,
            },
        )
        _sync_options(question_row, _option_rows(spec))


def _load_instrument(spec: dict[str, Any], categories: dict[str, StakeholderCategory]) -> None:
    instrument = Instrument.objects.filter(code=spec["code"], version=BUILTIN_VERSION).first()
    if instrument is not None and instrument.has_responses():
        return  # answered: its questions and options are fixed; changes go into a new version
    fields = {
        "purpose": spec["purpose"],
        **_texts("title", spec["title"]),
        **_texts("intro", spec["intro"]),
        "is_anonymous": spec.get("is_anonymous", False),
        "min_group_size": spec.get("min_group_size", 5),
        "pass_mark_percent": spec.get("pass_mark_percent"),
    }
    if instrument is None:
        # Status and the default flag are set once: later, what the coordinators decide in the admin stands.
        default_taken = Instrument.objects.filter(purpose=spec["purpose"], is_default=True).exists()
        instrument = Instrument.objects.create(
            code=spec["code"],
            version=BUILTIN_VERSION,
            status=InstrumentStatus.PUBLISHED,
            is_default=spec.get("is_default", False) and not default_taken,
            **fields,
        )
    else:
        for name, value in fields.items():
            setattr(instrument, name, value)
        instrument.save()
    instrument.audience.set([categories[code] for code in spec["audience"] if code in categories])
    _sync_sections(instrument, [section["title"] for section in spec["sections"]])
    _sync_questions(instrument, spec["sections"])


@transaction.atomic
def load() -> dict[str, int]:
    """Create or update the built-in instruments (version 1); one that has responses is left as it is."""
    categories = {category.code: category for category in StakeholderCategory.objects.all()}
    for spec in INSTRUMENTS:
        _load_instrument(spec, categories)
    builtin = Instrument.objects.filter(code__in=BUILTIN_CODES, version=BUILTIN_VERSION)
    return {
        "survey instruments": builtin.count(),
        "survey sections": Section.objects.filter(instrument__in=builtin).count(),
        "survey questions": Question.objects.filter(instrument__in=builtin).count(),
        "survey options": Option.objects.filter(question__instrument__in=builtin).count(),
    }


def needs_assessment_instrument_for(category_code: str) -> Instrument | None:
    """The published needs-assessment questionnaire (newest version) for a stakeholder category; CSO for the others."""
    code = NEEDS_ASSESSMENT_BY_CATEGORY.get(category_code, NEEDS_ASSESSMENT_FALLBACK)
    return Instrument.objects.filter(code=code, status=InstrumentStatus.PUBLISHED).order_by("-version").first()
