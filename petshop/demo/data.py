"""What the demo shop contains. Plain data, no logic: edit freely.

Stock figures are the stock *before* the demo orders take their share; a few products
are deliberately low (at or under LOW_STOCK_THRESHOLD) or sold out.
"""

from decimal import Decimal as D

# (username, email, first name, last name, password, is_admin)
# The passwords pass Django's password validators (checked by the tests).
USERS = [
    ("admin", "admin@petshop.example", "Ada", "Admin", "admin-demo-pass", True),
    ("alice", "alice@petshop.example", "Alice", "Archer", "alice-demo-pass", False),
    ("bob", "bob@petshop.example", "Bob", "Barker", "bob-demo-pass", False),
    ("carol", "carol@petshop.example", "Carol", "Catling", "carol-demo-pass", False),
]

ADDRESSES = {
    "alice": "Alice Archer\n12 Willow Road\nPortland, OR 97201",
    "bob": "Bob Barker\n3 Kennel Court\nAustin, TX 78701",
    "carol": "Carol Catling\nApt 5, 40 Whisker Street\nMadison, WI 53703",
    "admin": "Ada Admin\n1 Main Street\nBoulder, CO 80302",
}

# (sku, name, pet type slug, category slug, brand, price, stock, weight kg, description)
PRODUCTS = [
    # Dogs
    ("DEMO-DOG-001", "Adult Dry Dog Food, Chicken & Rice 12 kg", "dog", "food", "Barkwell", D("49.99"), 40, D("12.000"), "Complete dry food for adult dogs of every size, with real chicken as the first ingredient."),
    ("DEMO-DOG-002", "Puppy Wet Food Pouches, Lamb (12 x 100 g)", "dog", "food", "Barkwell", D("11.49"), 60, D("1.200"), "Gentle, easy-to-digest pouches for growing puppies."),
    ("DEMO-DOG-003", "Grain-Free Salmon Training Treats", "dog", "food", "Happy Tails", D("5.99"), 3, D("0.200"), "Small soft bites that are ideal for rewarding good behaviour."),
    ("DEMO-DOG-004", "Rope Tug Toy, Extra Strong", "dog", "toys", "ChewMaster", D("8.99"), 25, D("0.300"), "Braided cotton rope for tug-of-war and fetch."),
    ("DEMO-DOG-005", "Squeaky Tennis Balls (3 pack)", "dog", "toys", "ChewMaster", D("6.49"), 80, D("0.200"), "Felt-covered balls with a squeaker inside; gentle on teeth."),
    ("DEMO-DOG-006", "Orthopaedic Memory Foam Dog Bed, Large", "dog", "accessories", "Snoozy", D("89.00"), 7, D("4.500"), "Supportive foam bed with a washable cover, for older dogs and big breeds."),
    ("DEMO-DOG-007", "Reflective Padded Harness, Medium", "dog", "accessories", "TrailPaw", D("24.95"), 18, D("0.350"), "No-pull front clip and reflective stitching for evening walks."),
    ("DEMO-DOG-008", "Flea & Tick Spot-On, Medium Dogs (3 doses)", "dog", "health", "VetCare", D("19.99"), 30, D("0.050"), "Kills fleas and ticks for up to four weeks per dose."),
    ("DEMO-DOG-009", "Oatmeal Sensitive Skin Shampoo 500 ml", "dog", "grooming", "FurFresh", D("9.99"), 22, D("0.550"), "Soap-free shampoo that soothes dry, itchy skin."),
    ("DEMO-DOG-010", "Deshedding Brush, Short & Long Coats", "dog", "grooming", "FurFresh", D("21.50"), 0, D("0.250"), "Removes loose undercoat without cutting the top coat."),
    # Cats
    ("DEMO-CAT-001", "Indoor Cat Dry Food, Turkey 4 kg", "cat", "food", "Purrfect", D("27.99"), 35, D("4.000"), "Balanced recipe for indoor cats, helps control hairballs."),
    ("DEMO-CAT-002", "Wet Cat Food in Jelly, Fish Selection (24 x 85 g)", "cat", "food", "Purrfect", D("16.99"), 50, D("2.040"), "Tuna, salmon and white fish in a tasty jelly."),
    ("DEMO-CAT-003", "Crunchy Dental Cat Treats", "cat", "food", "Whisker Delight", D("3.49"), 4, D("0.060"), "Help keep teeth clean between brushes."),
    ("DEMO-CAT-004", "Feather Wand Teaser", "cat", "toys", "Pounce", D("4.99"), 45, D("0.080"), "A flexible wand with real feathers that makes cats leap."),
    ("DEMO-CAT-005", "Catnip Mice (5 pack)", "cat", "toys", "Pounce", D("5.49"), 0, D("0.050"), "Soft mice filled with organic catnip."),
    ("DEMO-CAT-006", "Sisal Scratching Post, 80 cm", "cat", "accessories", "Cosy Claws", D("34.99"), 12, D("5.200"), "Tall sturdy post with a plush perch on top."),
    ("DEMO-CAT-007", "Covered Litter Tray with Carbon Filter", "cat", "accessories", "Cosy Claws", D("29.99"), 9, D("2.100"), "Keeps litter in and smells down."),
    ("DEMO-CAT-008", "Hairball Relief Paste 100 g", "cat", "health", "VetCare", D("7.99"), 20, D("0.120"), "Malt-flavoured paste that helps hairballs pass naturally."),
    ("DEMO-CAT-009", "Self-Cleaning Slicker Brush", "cat", "grooming", "FurFresh", D("13.99"), 16, D("0.180"), "Retractable pins release the fur with one click."),
    # Birds
    ("DEMO-BRD-001", "Budgie Seed Mix 1 kg", "bird", "food", "Featherfeast", D("4.49"), 70, D("1.000"), "A blend of millets and canary seed for budgies and small parakeets."),
    ("DEMO-BRD-002", "Parrot Fruit & Nut Mix 2 kg", "bird", "food", "Featherfeast", D("14.99"), 15, D("2.000"), "Sunflower seeds, peanuts and dried fruit for larger parrots."),
    ("DEMO-BRD-003", "Wooden Ladder & Bell Toy", "bird", "toys", "Perch & Play", D("6.99"), 24, D("0.150"), "Natural wood ladder with a bell for climbing and play."),
    ("DEMO-BRD-004", "Flight Cage with Stand, 90 cm", "bird", "accessories", "Perch & Play", D("119.00"), 2, D("14.000"), "Roomy cage for budgies, canaries and finches, with four perches."),
    ("DEMO-BRD-005", "Avian Multivitamin Drops 30 ml", "bird", "health", "VetCare", D("8.49"), 14, D("0.060"), "Added to drinking water to support plumage and vitality."),
    ("DEMO-BRD-006", "Bird Bath with Mirror", "bird", "grooming", "Perch & Play", D("7.49"), 11, D("0.200"), "Clip-on bath that encourages regular bathing."),
    # Fish
    ("DEMO-FSH-001", "Tropical Flake Food 200 g", "fish", "food", "AquaLife", D("9.99"), 55, D("0.200"), "Staple flakes for all tropical community fish."),
    ("DEMO-FSH-002", "Goldfish Sinking Pellets 150 g", "fish", "food", "AquaLife", D("5.79"), 40, D("0.150"), "Slow-sinking pellets that keep the water clear."),
    ("DEMO-FSH-003", "Bubbling Treasure Chest Ornament", "fish", "toys", "Reef Rider", D("12.99"), 8, D("0.400"), "An air-driven chest that opens and closes."),
    ("DEMO-FSH-004", "Starter Aquarium Kit 60 L with LED Light", "fish", "accessories", "AquaLife", D("99.99"), 5, D("11.000"), "Tank, lid, LED light, heater and filter: everything to start."),
    ("DEMO-FSH-005", "Water Conditioner 250 ml", "fish", "health", "AquaLife", D("6.99"), 33, D("0.280"), "Makes tap water safe for fish instantly."),
    ("DEMO-FSH-006", "Gravel Vacuum Cleaner", "fish", "grooming", "Reef Rider", D("15.49"), 13, D("0.500"), "Cleans gravel during water changes without emptying the tank."),
    # Reptiles
    ("DEMO-REP-001", "Dried Mealworms 500 g", "reptile", "food", "ScaleWorks", D("11.99"), 26, D("0.500"), "High-protein treat for bearded dragons, geckos and turtles."),
    ("DEMO-REP-002", "Tortoise Pellets 1.5 kg", "reptile", "food", "ScaleWorks", D("13.49"), 19, D("1.500"), "High-fibre pellets for land tortoises."),
    ("DEMO-REP-003", "Hanging Hammock for Lizards", "reptile", "toys", "Desert Den", D("9.49"), 10, D("0.100"), "Mesh hammock for basking and climbing."),
    ("DEMO-REP-004", "UVB Basking Lamp 100 W", "reptile", "accessories", "Desert Den", D("27.50"), 1, D("0.300"), "Heat and UVB in one bulb for desert species."),
    ("DEMO-REP-005", "Calcium Powder with D3 100 g", "reptile", "health", "ScaleWorks", D("8.99"), 21, D("0.100"), "Dusted on live food to prevent bone disease."),
    ("DEMO-REP-006", "Shedding Aid Spray 250 ml", "reptile", "grooming", "Desert Den", D("10.99"), 0, D("0.280"), "Helps stuck shed come away cleanly."),
    # Small pets and others
    ("DEMO-OTH-001", "Rabbit & Guinea Pig Timothy Hay 2 kg", "other", "food", "Meadow Munch", D("9.49"), 45, D("2.000"), "Sweet-smelling hay, the base of a healthy small-pet diet."),
    ("DEMO-OTH-002", "Hamster Exercise Wheel, Silent 21 cm", "other", "toys", "Tiny Paws", D("14.99"), 17, D("0.500"), "Ball-bearing wheel that spins without a squeak."),
    ("DEMO-OTH-003", "Two-Storey Rabbit Hutch", "other", "accessories", "Meadow Munch", D("149.00"), 3, D("25.000"), "Weatherproof wooden hutch with a run and a ramp."),
    ("DEMO-OTH-004", "Small Animal Vitamin C Drops", "other", "health", "VetCare", D("6.49"), 12, D("0.050"), "Guinea pigs cannot make vitamin C: add a few drops daily."),
    ("DEMO-OTH-005", "Small Pet Grooming Kit", "other", "grooming", "Tiny Paws", D("12.49"), 14, D("0.200"), "Brush, comb and nail clippers sized for small pets."),
]

# Orders, oldest first. Each is placed by the checkout service and then moved to its
# status by the order services, as a customer and staff would.
#   customer, [(sku, quantity)], final status, days ago, invoice status to record
#   ("paid" through invoice_set_status; None leaves it as checkout issued it).
# An order placed more than INVOICE_DUE_DAYS ago and left unpaid becomes overdue when
# seed_demo runs mark-overdue at the end.
ORDERS = [
    ("carol", [("DEMO-CAT-001", 1), ("DEMO-CAT-004", 2)], "delivered", 55, "paid"),
    ("bob", [("DEMO-DOG-001", 1), ("DEMO-DOG-005", 2)], "delivered", 48, "paid"),
    ("alice", [("DEMO-FSH-004", 1), ("DEMO-FSH-005", 2)], "pending", 42, None),  # -> overdue
    ("carol", [("DEMO-BRD-001", 3)], "cancelled", 35, None),
    ("alice", [("DEMO-DOG-002", 4), ("DEMO-DOG-004", 1)], "delivered", 20, "paid"),
    ("bob", [("DEMO-CAT-002", 2), ("DEMO-CAT-008", 1)], "delivered", 12, "paid"),
    ("carol", [("DEMO-REP-001", 1), ("DEMO-REP-005", 1)], "cancelled", 9, "paid"),  # refunded
    ("alice", [("DEMO-OTH-001", 2), ("DEMO-OTH-002", 1)], "shipped", 6, "paid"),
    ("bob", [("DEMO-DOG-007", 1), ("DEMO-DOG-008", 1)], "processing", 4, "paid"),
    ("carol", [("DEMO-CAT-006", 1)], "confirmed", 2, None),
    ("alice", [("DEMO-BRD-003", 1), ("DEMO-BRD-005", 1)], "pending", 1, None),
    ("bob", [("DEMO-FSH-001", 1)], "pending", 0, None),
]

# Returns of delivered orders (index into ORDERS), with what the shop did with them.
#   order index, [(sku, quantity, reason)], final status, admin note
RETURNS = [
    (4, [("DEMO-DOG-002", 2, "My puppy does not like lamb.")], "processed", "Unopened; refunded."),
    (5, [("DEMO-CAT-008", 1, "Ordered by mistake.")], "requested", None),
]
