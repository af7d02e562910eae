/**
 * The demo tenant both subgraphs seed on first start, and the gateway's Sandbox names by
 * default. Ids are fixed so the reservation subgraph can refer to this subgraph's customers
 * without reading its database, and so seeding twice changes nothing.
 */
export const demoTenant = 'demo';

/** `phone` (E.164) and `notes` are seeded by the customer subgraph only. */
export const demoCustomers = [
  {
    id: '0190a5f0-0000-7000-8000-000000000001',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: '+442079460958',
    notes: 'Prefers a window table.',
  },
  { id: '0190a5f0-0000-7000-8000-000000000002', name: 'Grace Hopper', email: 'grace@example.com', phone: '+12025550143', notes: null },
  { id: '0190a5f0-0000-7000-8000-000000000003', name: 'Alan Turing', email: 'alan@example.com', phone: null, notes: 'Vegetarian.' },
  {
    id: '0190a5f0-0000-7000-8000-000000000004',
    name: 'Katherine Johnson',
    email: 'katherine@example.com',
    phone: '+17575550187',
    notes: 'Allergic to peanuts.',
  },
] as const;

/** The demo menu: categories in display order. Fixed ids keep seeding idempotent. */
export const demoCategories = [
  { id: '0190a5f0-0000-7000-a000-000000000001', name: 'Starters', position: 0 },
  { id: '0190a5f0-0000-7000-a000-000000000002', name: 'Mains', position: 1 },
  { id: '0190a5f0-0000-7000-a000-000000000003', name: 'Desserts', position: 2 },
  { id: '0190a5f0-0000-7000-a000-000000000004', name: 'Drinks', position: 3 },
] as const;

interface DemoProduct {
  id: string;
  categoryId: string | null;
  name: string;
  description: string | null;
  priceCents: number;
  currency: string;
  isActive: boolean;
}

const menu: [categoryIndex: number | null, name: string, priceCents: number, isActive: boolean, description: string | null][] = [
  [0, 'Tomato Soup', 650, true, 'Roasted tomatoes, basil oil, sourdough.'],
  [0, 'Burrata', 1150, true, 'With heirloom tomatoes and olive oil.'],
  [0, 'Garlic Bread', 450, true, null],
  [0, 'Oysters (6)', 1800, false, 'Seasonal: back in September.'],
  [0, 'Beef Carpaccio', 1250, true, 'Rocket, parmesan, capers.'],
  [1, 'Margherita Pizza', 1100, true, 'Tomato, mozzarella, basil.'],
  [1, 'Mushroom Risotto', 1450, true, 'Porcini, parmesan, thyme.'],
  [1, 'Grilled Sea Bass', 2250, true, 'Fennel, lemon, new potatoes.'],
  [1, 'Ribeye Steak', 3200, true, '300 g, chips, pepper sauce.'],
  [1, 'Lobster Linguine', 3400, false, 'Off the menu until the next delivery.'],
  [2, 'Tiramisu', 750, true, null],
  [2, 'Crème Brûlée', 700, true, 'Vanilla custard, burnt sugar.'],
  [2, 'Chocolate Fondant', 850, true, 'Ten minutes from the oven.'],
  [2, 'Lemon Tart', 700, false, null],
  [3, 'Sparkling Water', 350, true, '75 cl.'],
  [3, 'House Red (glass)', 650, true, 'Montepulciano d’Abruzzo.'],
  [3, 'House White (glass)', 650, true, 'Pinot Grigio.'],
  [3, 'Espresso', 280, true, null],
  [3, 'Fresh Orange Juice', 450, true, null],
  [null, 'Gift Voucher', 5000, true, 'Not on the menu: sold at the counter.'],
];

export const demoProducts: DemoProduct[] = menu.map(([categoryIndex, name, priceCents, isActive, description], index) => ({
  id: `0190a5f0-0000-7000-b000-${String(index + 1).padStart(12, '0')}`,
  categoryId: categoryIndex === null ? null : demoCategories[categoryIndex]!.id,
  name,
  description,
  priceCents,
  currency: 'EUR',
  isActive,
}));
