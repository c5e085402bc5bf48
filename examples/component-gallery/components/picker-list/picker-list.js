Component({ properties: { names: Array } });
