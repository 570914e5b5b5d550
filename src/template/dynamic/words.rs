//! The word lists of the dynamic variables' patterns (runner's own short lists, of the
//! kinds of words Postman's values are made of).

/// Each list by the name patterns give it in braces.
pub const WORDS: &[(&str, &[&str])] = &[
    (
        "first_names",
        &[
            "Aaliyah", "Adam", "Aiden", "Alice", "Amara", "Andre", "Anya", "Ben", "Carlos",
            "Chloe", "Daniel", "Elena", "Emma", "Ethan", "Fatima", "Felix", "Grace", "Hana",
            "Hugo", "Ines", "Isaac", "Jamal", "Julia", "Kai", "Lena", "Leo", "Liam", "Maya",
            "Mateo", "Mia", "Nadia", "Noah", "Olivia", "Omar", "Priya", "Quinn", "Rosa",
            "Sam", "Sofia", "Theo", "Uma", "Victor", "Wen", "Yusuf", "Zoe",
        ],
    ),
    (
        "last_names",
        &[
            "Abbott", "Bauer", "Becker", "Brown", "Castro", "Chen", "Cohen", "Diaz", "Dubois",
            "Evans", "Fischer", "Garcia", "Gomez", "Hansen", "Hughes", "Ito", "Jensen",
            "Kim", "Kowalski", "Larsen", "Lopez", "Martin", "Meyer", "Moreau", "Nakamura",
            "Nguyen", "Novak", "Okafor", "Patel", "Quinn", "Rossi", "Schmidt", "Silva",
            "Smith", "Tanaka", "Walsh", "Weber", "Wilson", "Yilmaz", "Zhang",
        ],
    ),
    ("name_prefixes", &["Mr.", "Mrs.", "Ms.", "Miss", "Dr."]),
    (
        "name_suffixes",
        &["Jr.", "Sr.", "I", "II", "III", "IV", "V", "MD", "DDS", "PhD", "DVM"],
    ),
    (
        "job_descriptors",
        &[
            "Lead", "Senior", "Direct", "Corporate", "Dynamic", "Future", "Product",
            "National", "Regional", "District", "Central", "Global", "Customer", "Investor",
            "Internal", "International", "Legacy", "Forward", "Human", "Chief", "Principal",
        ],
    ),
    (
        "job_areas",
        &[
            "Solutions", "Program", "Brand", "Security", "Research", "Marketing", "Directives",
            "Implementation", "Integration", "Functionality", "Response", "Paradigm",
            "Tactics", "Identity", "Markets", "Group", "Division", "Applications",
            "Optimization", "Operations", "Infrastructure", "Intranet", "Communications",
            "Web", "Branding", "Quality", "Assurance", "Mobility", "Accounts", "Data",
            "Creative", "Configuration", "Interactions", "Factors", "Usability", "Metrics",
        ],
    ),
    (
        "job_types",
        &[
            "Supervisor", "Associate", "Executive", "Liaison", "Officer", "Manager",
            "Engineer", "Specialist", "Director", "Coordinator", "Administrator", "Architect",
            "Analyst", "Designer", "Planner", "Orchestrator", "Technician", "Developer",
            "Producer", "Consultant", "Assistant", "Facilitator", "Agent", "Representative",
            "Strategist",
        ],
    ),
    (
        "city_prefixes",
        &["North", "East", "West", "South", "New", "Lake", "Port", "Fort", "Mount"],
    ),
    (
        "city_suffixes",
        &[
            "town", "ton", "land", "ville", "berg", "burgh", "borough", "bury", "view",
            "port", "mouth", "stad", "furt", "chester", "fort", "haven", "side", "shire",
        ],
    ),
    (
        "street_suffixes",
        &[
            "Avenue", "Street", "Road", "Lane", "Drive", "Court", "Place", "Square",
            "Boulevard", "Way", "Terrace", "Crescent", "Parkway", "Gardens", "Hill",
        ],
    ),
    (
        "countries",
        &[
            "Argentina", "Australia", "Austria", "Belgium", "Brazil", "Canada", "Chile",
            "China", "Colombia", "Denmark", "Egypt", "Finland", "France", "Germany", "Ghana",
            "Greece", "India", "Indonesia", "Ireland", "Italy", "Japan", "Kenya", "Mexico",
            "Morocco", "Netherlands", "New Zealand", "Nigeria", "Norway", "Peru", "Poland",
            "Portugal", "South Africa", "South Korea", "Spain", "Sweden", "Switzerland",
            "Thailand", "Turkey", "United Kingdom", "United States of America", "Vietnam",
        ],
    ),
    (
        "country_codes",
        &[
            "AR", "AT", "AU", "BE", "BR", "CA", "CH", "CL", "CN", "CO", "DE", "DK", "EG",
            "ES", "FI", "FR", "GB", "GH", "GR", "ID", "IE", "IN", "IT", "JP", "KE", "KR",
            "MA", "MX", "NG", "NL", "NO", "NZ", "PE", "PL", "PT", "SE", "TH", "TR", "US",
            "VN", "ZA",
        ],
    ),
    (
        "locales",
        &[
            "af", "am", "ar", "az", "be", "bg", "bn", "bs", "ca", "cs", "cy", "da", "de",
            "el", "en", "eo", "es", "et", "eu", "fa", "fi", "fr", "ga", "gl", "gu", "ha",
            "he", "hi", "hr", "hu", "hy", "id", "ig", "is", "it", "ja", "ka", "kk", "km",
            "kn", "ko", "lt", "lv", "mk", "ml", "mn", "mr", "ms", "mt", "my", "nb", "ne",
            "nl", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sv", "sw", "ta",
            "te", "th", "tr", "uk", "ur", "uz", "vi", "yo", "zh", "zu",
        ],
    ),
    (
        "directories",
        &[
            "/Applications", "/bin", "/boot", "/dev", "/etc", "/etc/defaults", "/home",
            "/home/user", "/home/user/dir", "/lib", "/Library", "/media", "/mnt", "/opt",
            "/opt/bin", "/opt/lib", "/private/tmp", "/private/var", "/root", "/sbin", "/srv",
            "/System", "/tmp", "/Users", "/usr", "/usr/bin", "/usr/include", "/usr/lib",
            "/usr/local/bin", "/usr/local/src", "/usr/share", "/usr/src", "/var", "/var/log",
            "/var/mail", "/var/spool", "/var/tmp",
        ],
    ),
    (
        "colors",
        &[
            "red", "green", "blue", "yellow", "purple", "mint green", "teal", "white",
            "black", "orange", "pink", "grey", "maroon", "violet", "turquoise", "tan",
            "sky blue", "salmon", "plum", "orchid", "olive", "magenta", "lime", "ivory",
            "indigo", "gold", "fuchsia", "cyan", "azure", "lavender", "silver",
        ],
    ),
    (
        "departments",
        &[
            "Books", "Movies", "Music", "Games", "Electronics", "Computers", "Home",
            "Garden", "Tools", "Grocery", "Health", "Beauty", "Toys", "Kids", "Baby",
            "Clothing", "Shoes", "Jewelery", "Sports", "Outdoors", "Automotive", "Industrial",
        ],
    ),
    (
        "product_adjectives",
        &[
            "Small", "Ergonomic", "Rustic", "Intelligent", "Gorgeous", "Incredible",
            "Fantastic", "Practical", "Sleek", "Awesome", "Generic", "Handcrafted",
            "Handmade", "Licensed", "Refined", "Unbranded", "Tasty",
        ],
    ),
    (
        "product_materials",
        &[
            "Steel", "Wooden", "Concrete", "Plastic", "Cotton", "Granite", "Rubber", "Metal",
            "Soft", "Fresh", "Frozen",
        ],
    ),
    (
        "products",
        &[
            "Chair", "Car", "Computer", "Keyboard", "Mouse", "Bike", "Ball", "Gloves",
            "Pants", "Shirt", "Table", "Shoes", "Hat", "Towels", "Soap", "Tuna", "Chicken",
            "Fish", "Cheese", "Bacon", "Pizza", "Salad", "Sausages", "Chips",
        ],
    ),
    (
        "company_suffixes",
        &["Inc", "and Sons", "LLC", "Group"],
    ),
    (
        "catch_phrase_adjectives",
        &[
            "Adaptive", "Advanced", "Automated", "Balanced", "Business-focused", "Centralized",
            "Cloned", "Compatible", "Configurable", "Cross-platform", "Customer-focused",
            "Decentralized", "Devolved", "Digitized", "Distributed", "Diverse", "Enhanced",
            "Ergonomic", "Exclusive", "Expanded", "Extended", "Face to face", "Focused",
            "Front-line", "Fully-configurable", "Grass-roots", "Horizontal", "Implemented",
            "Innovative", "Integrated", "Intuitive", "Inverse", "Managed", "Mandatory",
            "Monitored", "Multi-layered", "Networked", "Open-architected", "Open-source",
            "Optimized", "Organic", "Persistent", "Proactive", "Profound", "Programmable",
            "Progressive", "Quality-focused", "Reactive", "Realigned", "Reduced",
            "Robust", "Seamless", "Secured", "Self-enabling", "Sharable", "Streamlined",
            "Switchable", "Synchronised", "Total", "Universal", "Upgradable", "User-centric",
            "User-friendly", "Versatile", "Virtual", "Visionary",
        ],
    ),
    (
        "catch_phrase_descriptors",
        &[
            "24 hour", "24/7", "3rd generation", "4th generation", "5th generation",
            "6th generation", "actuating", "analyzing", "asymmetric", "asynchronous",
            "attitude-oriented", "bandwidth-monitored", "bi-directional", "bifurcated",
            "bottom-line", "clear-thinking", "client-driven", "client-server", "coherent",
            "cohesive", "composite", "content-based", "context-sensitive", "contextually-based",
            "dedicated", "demand-driven", "didactic", "directional", "discrete", "disintermediate",
            "dynamic", "eco-centric", "empowering", "encompassing", "even-keeled", "executive",
            "explicit", "exuding", "fault-tolerant", "foreground", "fresh-thinking",
            "full-range", "global", "grid-enabled", "heuristic", "high-level", "holistic",
            "homogeneous", "human-resource", "hybrid", "impactful", "incremental",
            "intangible", "interactive", "intermediate", "leading edge", "local", "logistical",
            "maximized", "methodical", "mission-critical", "mobile", "modular", "motivating",
            "multi-state", "multi-tasking", "national", "needs-based", "neutral",
            "next generation", "non-volatile", "object-oriented", "optimal", "optimizing",
            "radical", "real-time", "reciprocal", "regional", "responsive", "scalable",
            "secondary", "solution-oriented", "stable", "static", "system-worthy",
            "systematic", "systemic", "tangible", "tertiary", "transitional", "uniform",
            "upward-trending", "user-facing", "value-added", "web-enabled", "well-modulated",
            "zero administration", "zero defect", "zero tolerance",
        ],
    ),
    (
        "catch_phrase_nouns",
        &[
            "ability", "access", "adapter", "algorithm", "alliance", "analyzer", "application",
            "approach", "architecture", "archive", "artificial intelligence", "array",
            "attitude", "benchmark", "budgetary management", "capability", "capacity",
            "challenge", "circuit", "collaboration", "complexity", "concept", "conglomeration",
            "contingency", "core", "customer loyalty", "database", "data-warehouse",
            "definition", "emulation", "encoding", "encryption", "extranet", "firmware",
            "flexibility", "focus group", "forecast", "frame", "framework", "function",
            "functionalities", "Graphic Interface", "groupware", "Graphical User Interface",
            "hardware", "help-desk", "hierarchy", "hub", "implementation", "info-mediaries",
            "infrastructure", "initiative", "installation", "instruction set", "interface",
            "internet solution", "intranet", "knowledge user", "knowledge base", "local area network",
            "leverage", "matrices", "matrix", "methodology", "middleware", "migration", "model",
            "moderator", "monitoring", "moratorium", "neural-net", "open architecture",
            "open system", "orchestration", "paradigm", "parallelism", "policy", "portal",
            "pricing structure", "process improvement", "product", "productivity", "project",
            "projection", "protocol", "secured line", "service-desk", "software", "solution",
            "standardization", "strategy", "structure", "success", "superstructure", "support",
            "synergy", "system engine", "task-force", "throughput", "time-frame", "toolset",
            "utilisation", "website", "workforce",
        ],
    ),
    (
        "bs_adjectives",
        &[
            "clicks-and-mortar", "value-added", "vertical", "proactive", "robust",
            "revolutionary", "scalable", "leading-edge", "innovative", "intuitive",
            "strategic", "e-business", "mission-critical", "sticky", "one-to-one", "24/7",
            "end-to-end", "global", "B2B", "B2C", "granular", "frictionless", "virtual",
            "viral", "dynamic", "24/365", "best-of-breed", "killer", "magnetic", "bleeding-edge",
            "web-enabled", "interactive", "dot-com", "sexy", "back-end", "real-time", "efficient",
            "front-end", "distributed", "seamless", "extensible", "turn-key", "world-class",
            "open-source", "cross-platform", "cross-media", "synergistic", "bricks-and-clicks",
            "out-of-the-box", "enterprise", "integrated", "impactful", "wireless",
            "transparent", "next-generation", "cutting-edge", "user-centric", "visionary",
            "customized", "ubiquitous", "plug-and-play", "collaborative", "compelling",
            "holistic", "rich",
        ],
    ),
    (
        "bs_buzz",
        &[
            "synergize", "strategize", "empower", "whiteboard", "leverage", "utilize",
            "reinvent", "harness", "facilitate", "implement", "engineer", "envisioneer",
            "incubate", "transform", "monetize", "iterate", "aggregate", "architect",
            "deploy", "deliver", "e-enable", "enable", "expedite", "embrace", "enhance",
            "evolve", "exploit", "extend", "generate", "grow", "innovate", "integrate",
            "matrix", "maximize", "mesh", "morph", "optimize", "orchestrate", "recontextualize",
            "redefine", "reintermediate", "revolutionize", "scale", "seize", "streamline",
            "syndicate", "target", "visualize",
        ],
    ),
    (
        "bs_nouns",
        &[
            "synergies", "web-readiness", "paradigms", "markets", "partnerships",
            "infrastructures", "platforms", "initiatives", "channels", "eyeballs",
            "communities", "ROI", "solutions", "e-tailers", "e-services", "action-items",
            "portals", "niches", "technologies", "content", "vortals", "supply-chains",
            "convergence", "relationships", "architectures", "interfaces", "e-markets",
            "e-commerce", "systems", "bandwidth", "infomediaries", "models", "mindshare",
            "deliverables", "users", "schemas", "networks", "applications", "metrics",
            "e-business", "functionalities", "experiences", "web services", "methodologies",
        ],
    ),
    (
        "database_columns",
        &[
            "id", "title", "name", "email", "phone", "token", "group", "category", "password",
            "comment", "avatar", "status", "createdAt", "updatedAt",
        ],
    ),
    (
        "database_types",
        &[
            "int", "varchar", "text", "date", "datetime", "tinyint", "time", "timestamp",
            "smallint", "mediumint", "bigint", "decimal", "float", "double", "real", "bit",
            "boolean", "serial", "blob", "binary", "enum", "set", "geometry", "point",
        ],
    ),
    (
        "database_collations",
        &[
            "utf8_unicode_ci", "utf8_general_ci", "utf8_bin", "ascii_bin", "ascii_general_ci",
            "cp1250_bin", "cp1250_general_ci",
        ],
    ),
    (
        "database_engines",
        &["InnoDB", "MyISAM", "MEMORY", "CSV", "BLACKHOLE", "ARCHIVE"],
    ),
    (
        "months",
        &[
            "January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December",
        ],
    ),
    (
        "weekdays",
        &["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    ),
    (
        "account_names",
        &["Checking", "Savings", "Money Market", "Investment", "Home Loan", "Credit Card", "Auto Loan", "Personal Loan"],
    ),
    (
        "transaction_types",
        &["deposit", "withdrawal", "payment", "invoice"],
    ),
    (
        "currency_codes",
        &[
            "AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "INR",
            "JPY", "KRW", "MXN", "NOK", "NZD", "PLN", "SEK", "SGD", "TRY", "USD", "ZAR",
        ],
    ),
    (
        "currency_names",
        &[
            "Australian Dollar", "Brazilian Real", "Canadian Dollar", "Swiss Franc",
            "Yuan Renminbi", "Czech Koruna", "Danish Krone", "Euro", "Pound Sterling",
            "Hong Kong Dollar", "Indian Rupee", "Yen", "Won", "Mexican Peso", "Norwegian Krone",
            "New Zealand Dollar", "Zloty", "Swedish Krona", "Singapore Dollar", "Turkish Lira",
            "US Dollar", "Rand",
        ],
    ),
    (
        "currency_symbols",
        &["$", "€", "£", "¥", "₹", "₩", "₺", "R$", "kr", "zł", "Kč", "R"],
    ),
    (
        "abbreviations",
        &[
            "ADP", "AGP", "AI", "API", "ASCII", "CLI", "COM", "CSS", "DNS", "EXE", "FTP",
            "GB", "HDD", "HEX", "HTTP", "IB", "IP", "JBOD", "JSON", "OCR", "PCI", "PNG",
            "RAM", "RSS", "SAS", "SCSI", "SDD", "SMS", "SMTP", "SQL", "SSD", "SSL", "TCP",
            "THX", "TLS", "UDP", "USB", "UTF8", "XML", "XSS",
        ],
    ),
    (
        "hacker_adjectives",
        &[
            "auxiliary", "primary", "back-end", "digital", "open-source", "virtual",
            "cross-platform", "redundant", "online", "haptic", "multi-byte", "bluetooth",
            "wireless", "1080p", "neural", "optical", "solid state", "mobile",
        ],
    ),
    (
        "hacker_nouns",
        &[
            "driver", "protocol", "bandwidth", "panel", "microchip", "program", "port", "card",
            "array", "interface", "system", "sensor", "firewall", "hard drive", "pixel",
            "alarm", "feed", "monitor", "application", "transmitter", "bus", "circuit",
            "capacitor", "matrix",
        ],
    ),
    (
        "hacker_verbs",
        &[
            "back up", "bypass", "hack", "override", "compress", "copy", "navigate", "index",
            "connect", "generate", "quantify", "calculate", "synthesize", "input", "transmit",
            "program", "reboot", "parse",
        ],
    ),
    (
        "hacker_ingverbs",
        &[
            "backing up", "bypassing", "hacking", "overriding", "compressing", "copying",
            "navigating", "indexing", "connecting", "generating", "quantifying", "calculating",
            "synthesizing", "transmitting", "programming", "parsing",
        ],
    ),
    (
        "free_email_domains",
        &["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "proton.me"],
    ),
    (
        "example_domains",
        &["example.org", "example.com", "example.net"],
    ),
    (
        "domain_suffixes",
        &["com", "biz", "info", "name", "net", "org", "io", "dev"],
    ),
    (
        "domain_words",
        &[
            "alysha", "brennan", "carmen", "dariana", "elmo", "fernando", "gracie", "hallie",
            "imogene", "jarrod", "keira", "lonnie", "mallory", "nels", "orval", "pearline",
            "queenie", "rafael", "sierra", "trevor", "ulices", "verla", "wilburn", "yasmin",
        ],
    ),
    (
        "user_agents",
        &[
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)",
        ],
    ),
    (
        "lorem",
        &[
            "a", "ab", "accusamus", "ad", "alias", "aliquam", "amet", "animi", "aperiam",
            "architecto", "asperiores", "aut", "autem", "beatae", "blanditiis", "commodi",
            "consectetur", "consequatur", "corporis", "culpa", "cum", "cumque", "debitis",
            "delectus", "deleniti", "dicta", "dignissimos", "distinctio", "dolor", "dolore",
            "dolorem", "doloribus", "dolorum", "ducimus", "ea", "eaque", "earum", "eius",
            "eligendi", "enim", "eos", "error", "esse", "est", "et", "eum", "eveniet", "ex",
            "excepturi", "exercitationem", "expedita", "explicabo", "facere", "facilis",
            "fuga", "fugiat", "fugit", "harum", "hic", "id", "illo", "illum", "impedit", "in",
            "incidunt", "ipsa", "ipsam", "ipsum", "iste", "itaque", "iure", "iusto", "labore",
            "laboriosam", "laborum", "laudantium", "libero", "magnam", "magni", "maiores",
            "maxime", "minima", "minus", "modi", "molestiae", "mollitia", "nam", "natus",
            "necessitatibus", "nemo", "neque", "nesciunt", "nihil", "nisi", "nobis", "non",
            "nostrum", "nulla", "numquam", "occaecati", "odio", "odit", "officia", "omnis",
            "optio", "pariatur", "perferendis", "perspiciatis", "placeat", "porro",
            "possimus", "praesentium", "provident", "quae", "quaerat", "quam", "quas",
            "quasi", "qui", "quia", "quibusdam", "quidem", "quis", "quisquam", "quo", "quod",
            "quos", "ratione", "recusandae", "reiciendis", "rem", "repellat", "repellendus",
            "reprehenderit", "repudiandae", "rerum", "saepe", "sapiente", "sed", "sequi",
            "similique", "sint", "sit", "soluta", "sunt", "suscipit", "tempora", "tempore",
            "temporibus", "tenetur", "totam", "ullam", "unde", "ut", "vel", "velit",
            "veniam", "veritatis", "vero", "vitae", "voluptas", "voluptate", "voluptatem",
            "voluptates", "voluptatibus", "voluptatum",
        ],
    ),
    (
        "words",
        &[
            "Account", "Analyst", "Avon", "Bedfordshire", "Berkshire", "Borders", "Cambridgeshire",
            "Chair", "Circle", "Computer", "Cotton", "Cross-group", "Drive", "Engineer",
            "Fantastic", "Garden", "Generic", "Gorgeous", "Granite", "Handcrafted", "Home",
            "Incredible", "Interface", "Island", "Keyboard", "Lodge", "Mall", "Manager",
            "Metal", "Metrics", "Mouse", "Orchestrator", "Plastic", "Plaza", "Practical",
            "Refined", "Rubber", "Rustic", "Salad", "Shoes", "Sleek", "Soap", "Solutions",
            "Square", "Steel", "Table", "Tasty", "Towels", "Tuna", "Wooden", "array",
            "bandwidth", "benchmark", "capacitor", "cross-platform", "driver", "e-business",
            "firewall", "haptic", "hierarchy", "interface", "matrix", "methodology",
            "microchip", "monitor", "multi-byte", "neural", "optical", "paradigm", "parse",
            "portal", "protocol", "redundant", "sensor", "synergy", "transmitter", "virtual",
            "wireless",
        ],
    ),
    (
        "file_types",
        &[
            "application", "audio", "font", "image", "message", "model", "multipart", "text",
            "video",
        ],
    ),
    (
        "common_file_types",
        &["video", "audio", "image", "text", "application"],
    ),
    (
        "file_extensions",
        &[
            "pdf", "json", "xml", "zip", "gz", "tar", "mp3", "wav", "ogg", "mp4", "mpeg",
            "webm", "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "txt", "csv",
            "html", "css", "js", "ics", "rtf", "woff", "woff2", "ttf", "otf", "epub", "7z",
            "bin", "exe", "dmg", "iso", "apk",
        ],
    ),
    (
        "common_file_extensions",
        &["pdf", "mpeg", "wav", "png", "jpeg", "gif", "mp4", "mp3", "txt", "html", "json"],
    ),
    (
        "mime_types",
        &[
            "application/json", "application/xml", "application/pdf", "application/zip",
            "application/gzip", "application/octet-stream", "application/javascript",
            "application/x-www-form-urlencoded", "audio/mpeg", "audio/wav", "audio/ogg",
            "font/woff2", "image/png", "image/jpeg", "image/gif", "image/svg+xml",
            "image/webp", "multipart/form-data", "text/plain", "text/html", "text/css",
            "text/csv", "text/calendar", "video/mp4", "video/mpeg", "video/webm",
        ],
    ),
];
