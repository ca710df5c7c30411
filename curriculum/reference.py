"""The 22 thematic chapters of the 2021 priority matrix (Table 7) in their two parts.

Source: the 2021 needs assessment, section 3.1 of the project's digest. Part 1 holds chapters 1-9,
part 2 chapters 10-22, as in the draft curriculum.
"""

from __future__ import annotations

# (number, Azerbaijani, Russian, English)
PARTS: list[tuple[int, str, str, str]] = [
    (1, "Miqrasiya üzrə yaxşı rəhbərliyin əsasları", "Основы надлежащего управления миграцией", "Foundations of good migration governance"),
    (
        2,
        "Miqrasiya rəhbərliyinin və idarəçiliyinin əsas sahələri",
        "Ключевые направления управления миграцией",
        "Key areas of migration governance and management",
    ),
]

# (number, part, Azerbaijani, Russian, English)
CHAPTERS: list[tuple[int, int, str, str, str]] = [
    (
        1,
        1,
        "Beynəlxalq miqrasiyanın qlobal konteksti",
        "Глобальный контекст международной миграции",
        "Global context of international migration",
    ),
    (
        2,
        1,
        "Miqrasiya üzrə beynəlxalq əməkdaşlıq",
        "Международное сотрудничество в области миграции",
        "International cooperation on migration",
    ),
    (3, 1, "Beynəlxalq miqrasiya hüququ", "Международное миграционное право", "International migration law"),
    (4, 1, "Miqrantların insan hüquqları", "Права человека мигрантов", "Human rights of migrants"),
    (5, 1, "Gender və miqrasiya", "Гендер и миграция", "Gender and migration"),
    (6, 1, "Uşaqlar və miqrasiya", "Дети и миграция", "Children and migration"),
    (
        7,
        1,
        "Miqrantların zorakılığa, istismara və sui-istifadəyə qarşı həssaslığı",
        "Уязвимость мигрантов к насилию, эксплуатации и жестокому обращению",
        "Migrant vulnerabilities to violence, exploitation and abuse",
    ),
    (8, 1, "Miqrasiya idarəçiliyi və siyasət dövrü", "Управление миграцией и цикл политики", "Migration governance and the policy cycle"),
    (9, 1, "Miqrasiyaya dair məlumatlandırma", "Информирование о миграции", "Migration communication"),
    (
        10,
        2,
        "Gəliş öncəsi asanlaşdırma: pasport və viza idarəçiliyi",
        "Содействие до прибытия: управление паспортами и визами",
        "Pre-arrival facilitation: passport and visa management",
    ),
    (
        11,
        2,
        "Miqrasiyanın tənzimlənməsi: sərhəd idarəçiliyi",
        "Регулирование миграции: управление границами",
        "Regulating migration: border management",
    ),
    (12, 2, "Miqrasiya və inkişaf", "Миграция и развитие", "Migration and development"),
    (13, 2, "Əmək miqrasiyası və hərəkətlilik", "Трудовая миграция и мобильность", "Labour migration and mobility"),
    (14, 2, "Ailə və miqrasiya", "Семья и миграция", "Family and migration"),
    (15, 2, "Gənclik və miqrasiya", "Молодёжь и миграция", "Youth and migration"),
    (16, 2, "Sağlamlıq və miqrasiya", "Здоровье и миграция", "Health and migration"),
    (17, 2, "İnteqrasiya və sosial birlik", "Интеграция и социальная сплочённость", "Integration and social cohesion"),
    (
        18,
        2,
        "Miqrasiya, ətraf mühit və iqlim dəyişikliyi",
        "Миграция, окружающая среда и изменение климата",
        "Migration, environment and climate change",
    ),
    (19, 2, "Miqrant qaçaqçılığı", "Незаконный ввоз мигрантов", "Migrant smuggling"),
    (
        20,
        2,
        "İnsan alveri və onunla əlaqəli istismar və sui-istifadə formaları",
        "Торговля людьми и связанные с ней формы эксплуатации и жестокого обращения",
        "Trafficking in persons and related forms of exploitation and abuse",
    ),
    (21, 2, "Miqrantların qayıdışı və reinteqrasiyası", "Возвращение и реинтеграция мигрантов", "Return and reintegration of migrants"),
    (22, 2, "Böhranların hərəkətlilik aspektləri", "Мобильность в условиях кризисов", "Mobility dimensions of crises"),
]
